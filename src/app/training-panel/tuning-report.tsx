import type { TuningChoice } from '../../core/tune/tune-types';
import { formatDuration } from '../format';

const FAMILY_LABELS: Readonly<Record<TuningChoice['family'], string>> = {
  mf: 'Matrix factorization',
  'item-knn': 'Item neighbours (ItemKNN)',
  ease: 'Item neighbours (EASE)',
  blend: 'Matrix factorization + item neighbours',
};

const fmt = (v: number): string => Number(v.toPrecision(3)).toString();

/** What tuning chose on a validation split of the visitor's data, and every family's score. */
export function TuningReport({ choice }: { readonly choice: TuningChoice }) {
  const m = choice.mf;
  const best = Math.max(...choice.candidates.map((c) => c.ndcg));
  return (
    <section className="tuning" aria-labelledby="tuning-title">
      <h3 id="tuning-title">
        Model: <span data-testid="tuned-family">{FAMILY_LABELS[choice.family]}</span>
      </h3>
      <p>
        Chosen by NDCG@10 on a validation split of the training data ({choice.validationUsers}{' '}
        users, {choice.trials} trials in {formatDuration(choice.tuningMs)}). Confidence from
        weights: {choice.confidence}; k {m.factors}, {m.epochs} epochs, λ {fmt(m.regularization)},
        α₀ {fmt(m.unobservedWeight)}, δ {fmt(m.userWeightExponent)}, β {fmt(m.biasScale)}.
      </p>
      <ul>
        {choice.candidates.map((c) => (
          <li key={c.family}>
            {FAMILY_LABELS[c.family]}: {c.ndcg.toFixed(3)}
            {c.ndcg === best ? ' (best)' : ''}
          </li>
        ))}
      </ul>
    </section>
  );
}
