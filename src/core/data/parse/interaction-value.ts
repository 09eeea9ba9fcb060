/**
 * Largest value (weight, quantity, play count or rating) an interaction row may carry. Play counts
 * reach hundreds of thousands; anything near float32's range (3.4e38) is an export error that
 * would swamp every other row's weight.
 */
export const MAX_INTERACTION_VALUE = 1e9;

/**
 * Why an interaction value cannot be used, or null when it can. Values must be in
 * (0, {@link MAX_INTERACTION_VALUE}]: a value says how much an event counts, so 0 or less carries
 * no signal (leave the field empty for an event without a value; record negative feedback as a
 * `dismiss` event).
 */
export function interactionValueProblem(value: number): string | null {
  if (value <= 0) {
    return `must be positive (leave it empty for an event without a value; use a "dismiss" event for negative feedback)`;
  }
  if (value > MAX_INTERACTION_VALUE) return `is above the maximum of ${MAX_INTERACTION_VALUE}`;
  return null;
}
