import { describe, expect, it } from 'vitest';
import type { ComputeCapabilities } from '../../../src/core/compute/capabilities';
import { candidateDecision } from '../../../src/app/training-panel/choice-report';
import { pathAvailability } from '../../../src/app/training-panel/compute-paths';
import { liftText } from '../../../src/app/training-panel/eval-chart';
import { curvePoints } from '../../../src/app/training-panel/loss-curve';
import {
  applyProgress,
  isRunning,
  type TrainingState,
} from '../../../src/app/training-panel/use-training';

const start: TrainingState = {
  phase: 'preparing',
  settings: { backend: 'auto', epochs: 2, factors: 8, evaluate: true },
  progress: null,
  losses: [],
  switches: [],
  report: null,
  error: null,
};

describe('training progress', () => {
  it('collects losses, notes a path switch, and moves to evaluating after the last epoch', () => {
    const one = applyProgress(start, {
      epoch: 1,
      epochs: 2,
      loss: 0.8,
      elapsedMs: 1,
      etaMs: 1,
      computePath: 'webgpu',
    });
    expect(one).toMatchObject({ phase: 'training', losses: [0.8], switches: [] });
    const two = applyProgress(one, {
      epoch: 2,
      epochs: 2,
      loss: 0.5,
      elapsedMs: 2,
      etaMs: 0,
      computePath: 'wasm',
    });
    expect(two).toMatchObject({ phase: 'evaluating', losses: [0.8, 0.5] });
    expect(two.switches).toEqual([{ from: 'webgpu', to: 'wasm', epoch: 2 }]);
    expect(isRunning(two)).toBe(true);
    expect(isRunning({ ...two, phase: 'done' })).toBe(false);
    const noEval = { ...start, settings: { ...start.settings!, evaluate: false } };
    expect(
      applyProgress(noEval, {
        epoch: 2,
        epochs: 2,
        loss: 1,
        elapsedMs: 1,
        etaMs: 0,
        computePath: 'typed',
      }).phase,
    ).toBe('training');
  });
});

describe('charts', () => {
  it('scales the loss curve into the plot and skips non-finite values', () => {
    const points = curvePoints([2, 1, Number.NaN, 0], 100, 100).split(' ');
    expect(points).toHaveLength(3);
    const ys = points.map((p) => Number(p.split(',')[1]));
    expect(ys[0]).toBeLessThan(ys[1]!);
    expect(ys[1]).toBeLessThan(ys[2]!);
    expect(curvePoints([])).toBe('');
  });

  it('reports lift over popularity', () => {
    expect(liftText(0.3, 0.1)).toBe('+200%');
    expect(liftText(0.05, 0.1)).toBe('−50%');
    expect(liftText(0.3, 0)).toBe('—');
  });
});

describe('compute path reports', () => {
  it('words each candidate outcome', () => {
    expect(candidateDecision({ name: 'wasm', available: true, warmupMs: 3.25 }, 'wasm')).toBe(
      'chosen: 3.3 ms per warm-up epoch',
    );
    expect(
      candidateDecision(
        { name: 'webgpu', available: true, skipReason: 'software adapter' },
        'wasm',
      ),
    ).toBe('skipped: software adapter');
    expect(candidateDecision({ name: 'typed', available: true, warmupMs: 9 }, 'wasm')).toBe(
      'measured 9.0 ms per warm-up epoch: slower',
    );
  });

  it('summarises what the browser offers', () => {
    const caps: ComputeCapabilities = {
      webgpu: { apiPresent: false, adapter: null },
      webgl2: { available: true, renderer: 'ANGLE (NVIDIA)', isSoftware: false },
      wasm: { available: true, simd: true, threads: false },
      crossOriginIsolated: false,
      hardwareConcurrency: 8,
    };
    expect(pathAvailability('webgpu', caps)).toBe('not in this browser');
    expect(pathAvailability('webgl', caps)).toBe('GPU: ANGLE (NVIDIA)');
    expect(pathAvailability('wasm', caps)).toBe('SIMD yes, threads no');
    expect(pathAvailability('typed', caps)).toBe('8 logical cores');
  });
});
