/**
 * An experiment arm's settings applied to one row request: a holdout gets no items, `diversity`
 * sets every row's MMR λ unless the request sets one, `source` makes for-you rows come from
 * popularity or trending instead of the model.
 */
import type { RowRequest, RowResult } from '../core/serve/row-types';
import type { ArmSettings } from '../federated/experiment-device-rules';
import type { RecommendedRow, RowExperiment } from './recommender-types';

/** The row `request` gets under an arm with `settings`, tagged with the arm. */
export function serveUnderArm(
  request: RowRequest,
  settings: ArmSettings,
  experiment: RowExperiment,
  serve: (request: RowRequest) => RowResult,
): RecommendedRow {
  if (settings.holdout) {
    return { type: request.type, source: 'none', items: [], unknownItems: [], experiment };
  }
  let next: RowRequest = request;
  if (settings.diversity !== undefined && request.diversity === undefined) {
    next = { ...next, diversity: { lambda: settings.diversity } };
  }
  if (next.type === 'for-you' && settings.source !== undefined && settings.source !== 'model') {
    const { history, excludeHistory, type: _type, ...options } = next;
    const seen = excludeHistory === false ? [] : history.map((event) => event.itemId);
    const exclude = [...(options.exclude ?? []), ...seen];
    const row = serve({ ...options, exclude, type: settings.source });
    return { ...row, type: 'for-you', experiment };
  }
  return { ...serve(next), experiment };
}
