/**
 * An experiment arm's settings applied to one row request: a holdout gets no items, `diversity`
 * sets every row's MMR λ unless the request sets one, `source` makes for-you rows come from
 * popularity or trending instead of the model, the arm's filters apply where the request sets
 * none, and `exploration` gives a share of the places after the first to items from further down.
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
  random: () => number = Math.random,
): RecommendedRow {
  if (settings.holdout) {
    return { type: request.type, source: 'none', items: [], unknownItems: [], experiment };
  }
  let next: RowRequest = request;
  if (settings.diversity !== undefined && request.diversity === undefined) {
    next = { ...next, diversity: { lambda: settings.diversity } };
  }
  if (settings.filters !== undefined) {
    next = { ...next, filters: { ...settings.filters, ...next.filters } };
  }
  const explore = settings.exploration ?? 0;
  if (explore > 0 && next.k >= 2) {
    const places = Math.min(next.k - 1, Math.round(explore * (next.k - 1)));
    if (places > 0) {
      const wide = serveUnderArm(
        { ...next, k: next.k * 4 },
        { ...settings, exploration: 0 },
        experiment,
        serve,
      );
      return { ...wide, items: explored(wide.items, next.k, places, random) };
    }
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

/**
 * The first `k` of `ranked` with `places` of positions 2…k (drawn at random) holding items drawn
 * at random from beyond the top k; the other places keep the ranking's order.
 */
function explored<T>(ranked: readonly T[], k: number, places: number, random: () => number): T[] {
  const tail = ranked.slice(k);
  const picks: T[] = [];
  for (let i = 0; i < places && tail.length > 0; i++) {
    picks.push(...tail.splice(Math.floor(random() * tail.length), 1));
  }
  const slots = Array.from({ length: k - 1 }, (_, i) => i + 1);
  const chosen = new Set<number>();
  for (let i = 0; i < picks.length; i++) {
    const [slot] = slots.splice(Math.floor(random() * slots.length), 1);
    if (slot !== undefined) chosen.add(slot);
  }
  const top = ranked.slice(0, k - picks.length);
  const out: T[] = [];
  let fromTop = 0;
  let fromPicks = 0;
  for (let position = 0; position < Math.min(k, top.length + picks.length); position++) {
    const next = chosen.has(position) ? picks[fromPicks++] : top[fromTop++];
    if (next !== undefined) out.push(next);
  }
  return out;
}
