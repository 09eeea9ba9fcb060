import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ComputeCapabilities } from '../../../src/core/compute/capabilities';
import { CancelledError } from '../../../src/core/errors';
import { TrainingPanel } from '../../../src/app/training-panel/training-panel';
import type { TrainReport, TrainRequest } from '../../../src/worker';
import { createFakeRecommender, fakeBinding } from '../fake-recommender';
import { button, changeValue, cleanup, labelled, perform, render } from '../render';

afterEach(cleanup);

const CAPS: ComputeCapabilities = {
  webgpu: {
    apiPresent: true,
    adapter: {
      vendor: 'google',
      architecture: 'swiftshader',
      device: '',
      description: '',
      isFallbackAdapter: false,
      isSoftware: true,
    },
  },
  webgl2: { available: true, renderer: 'SwiftShader', isSoftware: true },
  wasm: { available: true, simd: true, threads: false },
  crossOriginIsolated: false,
  hardwareConcurrency: 2,
};

const REPORT: TrainReport = {
  computePath: 'wasm',
  choice: {
    chosen: 'webgpu',
    reason: 'explicit choice: "webgpu"',
    candidates: [
      { name: 'webgpu', available: true },
      {
        name: 'webgl',
        available: true,
        skipReason: 'not considered: "webgpu" was chosen explicitly',
      },
      { name: 'wasm', available: true, warmupMs: 12.5 },
      {
        name: 'typed',
        available: true,
        skipReason: 'not considered: "webgpu" was chosen explicitly',
      },
    ],
    capabilities: CAPS,
    elapsedMs: 40,
  },
  fallbacks: [
    {
      from: 'webgpu',
      error: { name: 'BackendError', code: 'BACKEND_FAILED', message: 'The GPU device was lost' },
    },
  ],
  resumedFromEpoch: 0,
  epochs: 3,
  trainMs: 1500,
  lossHistory: [0.9, 0.6, 0.5],
  modelVersion: 2,
  metrics: {
    model: { 'recall@10': 0.25, 'ndcg@10': 0.2 },
    popularity: { 'recall@10': 0.05, 'ndcg@10': 0.04 },
  },
};

/** A recommender whose train() reports three epochs (the last after falling back to wasm). */
function scripted(finish: (request: TrainRequest) => Promise<TrainReport>) {
  const requests: TrainRequest[] = [];
  const recommender = createFakeRecommender({
    capabilities: () => Promise.resolve(CAPS),
    async train(request = {}) {
      requests.push(request);
      const progress = (epoch: number, computePath: 'webgpu' | 'wasm', loss: number) =>
        request.onProgress?.({
          epoch,
          epochs: 3,
          loss,
          elapsedMs: epoch * 500,
          etaMs: (3 - epoch) * 500,
          computePath,
        });
      progress(1, 'webgpu', 0.9);
      progress(2, 'webgpu', 0.6);
      return finish(request);
    },
  });
  return { recommender, requests };
}

async function renderPanel(recommender: ReturnType<typeof createFakeRecommender>) {
  const rendered = await render(
    createElement(TrainingPanel, { binding: fakeBinding(recommender), idPrefix: 't' }),
  );
  await vi.waitFor(() => expect(rendered.container.textContent).toContain('software adapter'));
  return rendered.container;
}

describe('TrainingPanel', () => {
  it('sends the chosen settings, then shows the choice report, the fallback and the evaluation', async () => {
    const { recommender, requests } = scripted(async (request) => {
      request.onProgress?.({
        epoch: 3,
        epochs: 3,
        loss: 0.5,
        elapsedMs: 1500,
        etaMs: 0,
        computePath: 'wasm',
      });
      return REPORT;
    });
    const root = await renderPanel(recommender);
    await changeValue(labelled(root, 'Compute path'), 'webgpu');
    await changeValue(labelled(root, 'Epochs'), '3');
    await changeValue(labelled(root, 'Factors (embedding size)'), '16');
    await perform(() => button(root, 'Train on this device').click());
    await vi.waitFor(() =>
      expect(root.querySelector('[data-testid="train-report"]')).not.toBeNull(),
    );
    expect(requests[0]).toMatchObject({
      backend: 'webgpu',
      mf: { epochs: 3, factors: 16 },
      evaluate: true,
    });
    const text = root.textContent ?? '';
    expect(text).toContain('Trained model v2 on wasm: 3 epochs in 1.5 s, final loss 0.500.');
    expect(root.querySelector('[data-testid="chosen-path"]')?.textContent).toBe('webgpu');
    expect(text).toContain('skipped: not considered: "webgpu" was chosen explicitly');
    expect(text).toContain('measured 12.5 ms per warm-up epoch: slower');
    expect(text).toContain('webgpu failed (BACKEND_FAILED): The GPU device was lost');
    const metrics = root.querySelector('table.metrics-table')!.textContent ?? '';
    expect(metrics).toContain('0.250');
    expect(metrics).toContain('+400%');
    expect(root.querySelector('svg[role="img"]')?.getAttribute('aria-label')).toBe(
      'Training loss over 3 of 3 epochs, from 0.900 to 0.500.',
    );
    expect(root.querySelector('progress')?.getAttribute('value')).toBe('3');
  });

  it('shows progress with the ETA while running, and Cancel aborts the run', async () => {
    const { recommender, requests } = scripted(
      (request) =>
        new Promise((_, reject) =>
          request.signal?.addEventListener('abort', () => reject(new CancelledError())),
        ),
    );
    const root = await renderPanel(recommender);
    await perform(() => button(root, 'Train on this device').click());
    await vi.waitFor(() =>
      expect(root.querySelector('[data-testid="progress-text"]')?.textContent).toBe(
        'Epoch 2 of 3 on webgpu, 1.0 s elapsed, about 500 ms left',
      ),
    );
    expect(button(root, 'Train on this device').disabled).toBe(true);
    expect(labelled<HTMLSelectElement>(root, 'Compute path').disabled).toBe(true);
    await perform(() => button(root, 'Cancel').click());
    expect(requests[0]?.signal?.aborted).toBe(true);
    await vi.waitFor(() =>
      expect(root.textContent).toContain('Training cancelled after epoch 2 of 3'),
    );
    expect(button(root, 'Cancel').disabled).toBe(true);
    expect(button(root, 'Train on this device').disabled).toBe(false);
  });

  it('shows a training error with its message, and refuses invalid epochs', async () => {
    const { recommender, requests } = scripted(() =>
      Promise.reject(new Error('No user has enough events to evaluate; import more data.')),
    );
    const root = await renderPanel(recommender);
    await changeValue(labelled(root, 'Epochs'), '0');
    expect(button(root, 'Train on this device').disabled).toBe(true);
    expect(labelled(root, 'Epochs').getAttribute('aria-invalid')).toBe('true');
    await changeValue(labelled(root, 'Epochs'), '3');
    await perform(() => button(root, 'Train on this device').click());
    await vi.waitFor(() =>
      expect(root.querySelector('[role="alert"]')?.textContent).toContain(
        'Training failed: No user has enough events to evaluate; import more data.',
      ),
    );
    expect(requests).toHaveLength(1);
  });

  it('says up front what evaluation needs, and reports an unmeasured model as trained and serving', async () => {
    const { metrics: _dropped, ...unmeasured } = REPORT;
    const { recommender } = scripted(() =>
      Promise.resolve({
        ...unmeasured,
        evaluationSkipped:
          "evaluation holds out part of each shopper's events and needs at least one shopper with 5 different items; this data has 1 shopper with at most 4 different items each",
      }),
    );
    const root = await renderPanel(recommender);
    const evaluate = labelled(
      root,
      'Evaluate against popularity (Recall@10, NDCG@10 on held-out events)',
    );
    const help = document.getElementById(evaluate.getAttribute('aria-describedby')!)!;
    expect(help.textContent).toContain('needs at least one shopper with 5 different items');
    await perform(() => button(root, 'Train on this device').click());
    await vi.waitFor(() =>
      expect(root.querySelector('[data-testid="eval-skipped"]')).not.toBeNull(),
    );
    const text = root.textContent ?? '';
    expect(text).toContain('It is serving your rows now.');
    expect(root.querySelector('[data-testid="eval-skipped"]')?.textContent).toContain(
      'Quality not measured: evaluation holds out part of each shopper',
    );
    expect(root.querySelector('[role="alert"]')).toBeNull();
    expect(root.querySelector('table.metrics-table')).toBeNull();
  });
});
