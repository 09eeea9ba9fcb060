import { afterEach, describe, expect, it, vi } from 'vitest';
import { audienceMismatch, validateExperimentDefinition } from '../../src/core/experiments';
import { resolveExperiments } from '../../src/worker/experiment-assignments';
import { at, deviceExperiment } from '../federated/experiment-fixtures';
import { createFakeServer, opened, openRecommender } from './experiment-harness';

const french = deviceExperiment({ audience: { country: ['FR', 'BE'], loggedIn: true } });

afterEach(() => {
  for (const r of opened.splice(0)) r.dispose();
  vi.useRealTimers();
});

describe('audience', () => {
  it('matches every key: equal to the value or one of the listed ones; a missing key never matches', () => {
    expect(audienceMismatch(french, { country: 'BE', loggedIn: true })).toBeNull();
    expect(audienceMismatch(french, { country: 'DE', loggedIn: true })).toMatch(
      /country is "DE", the experiment wants "FR" or "BE"/,
    );
    expect(audienceMismatch(french, { country: 'FR' })).toMatch(/loggedIn is not set/);
    expect(audienceMismatch(deviceExperiment(), {})).toBeNull();
  });

  it('is validated with the definition, naming the key', () => {
    expect(validateExperimentDefinition(french).id).toBe('rows-v2');
    expect(() =>
      validateExperimentDefinition(deviceExperiment({ audience: { country: [] } })),
    ).toThrow(/audience\.country must be a string, a number, a boolean or a non-empty list/);
    expect(() =>
      validateExperimentDefinition(
        deviceExperiment({ audience: { tier: { gold: true } as unknown as string } }),
      ),
    ).toThrow(/audience\.tier/);
  });

  it('leaves a device outside the audience not enrolled, and lets the next experiment run', () => {
    const everyone = deviceExperiment({ id: 'everyone' });
    const now = at('2026-03-05');
    const outside = resolveExperiments([french, everyone], 'unit-1', now, { country: 'DE' });
    expect(outside.map((e) => e.state)).toEqual(['not-enrolled', 'assigned']);
    expect(outside[0]?.message).toMatch(/outside the audience/);
    const inside = resolveExperiments([french, everyone], 'unit-1', now, {
      country: 'FR',
      loggedIn: true,
    });
    expect(inside.map((e) => e.state)).toEqual(['assigned', 'not-enrolled']);
  });

  it('takes the attributes from the runtime config and refuses a bad one, naming it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(at('2026-03-05'));
    const { r } = openRecommender('audience-1', createFakeServer([french]), {
      experiments: { attributes: { country: 'FR', loggedIn: false } },
    });
    const status = await r.experiments();
    expect(status.experiments[0]?.state).toBe('not-enrolled');
    expect(status.experiments[0]?.message).toMatch(/loggedIn is false/);
    const bad = openRecommender('audience-2', createFakeServer([french]), {
      experiments: { attributes: { country: Number.NaN } },
    });
    await expect(bad.r.experiments()).rejects.toThrow(/experiments\.attributes\.country/);
    // The rows still serve (the site's defaults), and the page is told why experiments are off.
    const row = await bad.r.recommend({ type: 'popular', k: 2 });
    expect(row.experiment).toBeUndefined();
    expect(bad.events).toContainEqual({
      type: 'storage',
      message: expect.stringMatching(/Experiments are off on this page: .*country/),
    });
  });
});
