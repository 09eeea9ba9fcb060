import { describe, expect, it } from 'vitest';
import { createProgressBar, type TextSink } from '../../src/cli/progress-bar';

function sink(isTTY: boolean): TextSink & { lines: () => string[]; raw: () => string } {
  let text = '';
  return {
    isTTY,
    write: (t: string) => (text += t),
    lines: () => text.split('\n').filter((l) => l !== ''),
    raw: () => text,
  };
}

describe('createProgressBar', () => {
  it('prints sparse lines when stderr is not a terminal: every tenth and the final line', () => {
    const out = sink(false);
    const clock = { t: 0 };
    const bar = createProgressBar('training', out, false, () => clock.t);
    for (let epoch = 1; epoch <= 100; epoch++) {
      clock.t += 10;
      bar.update(epoch, 100, `loss ${(1 / epoch).toFixed(3)}`);
    }
    const lines = out.lines();
    expect(lines.length).toBeGreaterThanOrEqual(10);
    expect(lines.length).toBeLessThanOrEqual(12);
    expect(lines[0]).toMatch(/^training .* 1\/100 /);
    expect(lines.at(-1)).toMatch(/ 100\/100 1\.0s loss 0\.010$/);
    bar.finish('loss 0.010');
    expect(out.lines()).toHaveLength(lines.length);
  });

  it('prints a line after a long quiet stretch even without a tenth of progress', () => {
    const out = sink(false);
    const clock = { t: 0 };
    const bar = createProgressBar('rounds', out, false, () => clock.t);
    bar.update(1, 1000);
    bar.update(2, 1000);
    expect(out.lines()).toHaveLength(1);
    clock.t += 6000;
    bar.update(3, 1000);
    expect(out.lines()).toHaveLength(2);
    expect(out.lines()[1]).toContain('3/1000');
  });

  it('redraws one line in place on a terminal and ends it once', () => {
    const out = sink(true);
    const bar = createProgressBar('training', out, false, () => 0);
    for (let epoch = 1; epoch <= 5; epoch++) bar.update(epoch, 5);
    bar.finish();
    expect(out.raw().split('\r')).toHaveLength(6);
    expect(out.raw().match(/\n/g)).toHaveLength(1);
  });

  it('prints nothing when quiet', () => {
    const out = sink(false);
    const bar = createProgressBar('training', out, true);
    bar.update(5, 10);
    bar.finish();
    expect(out.raw()).toBe('');
  });
});
