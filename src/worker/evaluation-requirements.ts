/**
 * Distinct items a shopper needs for offline evaluation to hold some of them out
 * (`splitInteractions`' default `minPositives`); pages say it before a run.
 */
export const MIN_EVALUATED_ITEMS = 5;
