import { sameItemToItemWeights } from '../../core/tune/item-to-item-choice';
import type { ItemToItemChoice, TuneProgress, TuningChoice } from '../../core/tune/tune-types';
import type { TextSink } from '../progress-bar';
import { createProgressBar, formatMs } from '../progress-bar';

/** Progress of tuning on stderr: trials against the cap, stage and best validation NDCG@10. */
export function createTuneProgress(sink: TextSink, quiet: boolean): (p: TuneProgress) => void {
  const bar = createProgressBar('tuning', sink, quiet);
  return (p) => {
    if (p.stage === 'final') return;
    const detail = `${p.stage}, best NDCG@10 ${p.bestNdcg.toFixed(4)}, budget ${formatMs(p.budgetMs)}`;
    bar.update(Math.min(p.trial, p.trials - 1), p.trials, detail);
  };
}

/** Human-readable lines on what tuning chose (or that the fixed defaults were used). */
export function formatTuningSummary(choice: TuningChoice): string {
  const m = choice.mf;
  const settings =
    `k ${m.factors}, ${m.epochs} epochs, λ ${fmt(m.regularization)}, α₀ ${fmt(m.unobservedWeight)}, ` +
    `δ ${fmt(m.userWeightExponent)}, β ${fmt(m.biasScale)}, confidence ${choice.confidence}`;
  if (!choice.tuned) return `model: mf with fixed settings (${settings})\n`;
  const ease =
    choice.neighborSource === 'ease' && choice.easeLambdaShare !== undefined
      ? ` (EASE λ ${fmt(choice.easeLambdaShare)} × mean item count)`
      : '';
  const family =
    choice.family === 'blend'
      ? `blend of mf and ${choice.neighborSource ?? 'item-knn'}${ease} (neighbour weight ${fmt(choice.neighborWeight)})`
      : `${choice.family}${ease}`;
  const scores = choice.candidates.map((c) => `${c.family} ${c.ndcg.toFixed(4)}`).join(', ');
  return (
    `model: ${family}, chosen by validation NDCG@10 (${scores}) on ${choice.validationUsers} users\n` +
    `  settings: ${settings}\n` +
    `  tuned in ${formatMs(choice.tuningMs)} (${choice.trials} trials)\n` +
    (choice.itemToItem ? formatItemToItemChoice(choice.itemToItem) : '')
  );
}

/** The item-to-item blend line: the chosen weights and validation HR@10 against the default's. */
function formatItemToItemChoice(c: ItemToItemChoice): string {
  const w = c.weights;
  const chosen = c.candidates.find((x) => sameItemToItemWeights(x.weights, w));
  const base = c.candidates[0];
  const vsDefault = base && base !== chosen ? ` (default blend ${base.hr.toFixed(4)})` : '';
  return (
    `  similar-row blend: embedding ${fmt(w.embedding)}, co-occurrence ${fmt(w.coOccurrence)}, ` +
    `content ${fmt(w.content)}, item bias ${fmt(w.itemBias ?? 0)}, chosen by validation next-item HR@10 ${chosen?.hr.toFixed(4) ?? 'n/a'}` +
    `${vsDefault} on ${c.validationUsers} held-out users (${c.pairs} pairs) in ${formatMs(c.ms)}` +
    (c.shortHistoryPivot === undefined ? '' : `; short-history pivot ${fmt(c.shortHistoryPivot)}`) +
    '\n'
  );
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}
