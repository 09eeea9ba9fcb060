import { describe, expect, it } from 'vitest';
import { formatTuningSummary } from '../../src/cli/commands/tuning-summary';
import { DEFAULT_ITEM_TO_ITEM_WEIGHTS } from '../../src/core/serve/item-to-item-scores';
import { untunedChoice } from '../../src/core/tune/fit-pipeline';
import type { TuningChoice } from '../../src/core/tune/tune-types';

const tuned: TuningChoice = { ...untunedChoice({}), tuned: true, validationUsers: 80, trials: 3 };

describe('formatTuningSummary', () => {
  it('shows the chosen item-to-item blend next to the default blend it beat', () => {
    const weights = { embedding: 1, coOccurrence: 0, content: 0.25, itemBias: 0.5 };
    const text = formatTuningSummary({
      ...tuned,
      itemToItem: {
        weights,
        candidates: [
          { weights: DEFAULT_ITEM_TO_ITEM_WEIGHTS, hr: 0.4213 },
          { weights, hr: 0.4803 },
        ],
        validationUsers: 87,
        pairs: 1740,
        ms: 2100,
      },
    });
    expect(text).toContain(
      'similar-row blend: embedding 1, co-occurrence 0, content 0.25, item bias 0.5, chosen by validation next-item HR@10 0.4803 (default blend 0.4213) on 87 held-out users (1740 pairs)',
    );
  });

  it('says nothing about the blend when none was chosen, and no comparison when the default stayed', () => {
    expect(formatTuningSummary(tuned)).not.toContain('similar-row blend');
    const kept = formatTuningSummary({
      ...tuned,
      itemToItem: {
        weights: DEFAULT_ITEM_TO_ITEM_WEIGHTS,
        candidates: [{ weights: DEFAULT_ITEM_TO_ITEM_WEIGHTS, hr: 0.1526 }],
        validationUsers: 60,
        pairs: 1200,
        ms: 900,
      },
    });
    expect(kept).toContain(
      'content 0.5, item bias 0, chosen by validation next-item HR@10 0.1526 on 60',
    );
  });
});
