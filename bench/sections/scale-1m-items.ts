import type { BenchContext, BenchResults, BenchSection } from '../bench-types';
import { measureFirstRowShop } from '../scale/first-row-shop';

/**
 * The first-row visit of `scale-first-row` for a 1M-product shop (2M events): that the widget
 * works at this size, and what it costs. Trained with 2 epochs (`--no-tune --epochs 2`) to keep
 * the section under an hour on a 2-core machine: the bench measures delivery, and the content
 * tower's fit over a million products is most of the training time.
 */
async function run(ctx: BenchContext): Promise<BenchResults> {
  return measureFirstRowShop(
    {
      key: 'items1m',
      items: 1_000_000,
      events: 2_000_000,
      trainFlags: ['--no-tune', '--epochs', '2'],
    },
    ctx,
  );
}

/** Bench section: first personal row for a 1M-product shop over a throttled link. */
export const section: BenchSection = { title: 'Scale: first personal row, 1M products', run };
