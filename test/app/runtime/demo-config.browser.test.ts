import { describe, expect, it } from 'vitest';
import serveDemo from '../../../scripts/serve-demo.mjs?raw';
import {
  DEMO_FEDERATED_TOKEN,
  DEMO_MODEL_URL,
  storefrontConfig,
  workbenchConfig,
} from '../../../src/app/runtime/demo-config';

describe('demo configuration', () => {
  it('points the storefront at the same-origin aggregation server, the workbench at none', () => {
    expect(storefrontConfig().federated).toMatchObject({
      serverUrl: '',
      token: DEMO_FEDERATED_TOKEN,
    });
    expect(workbenchConfig().federated).toBeUndefined();
  });

  it('uses the token and the shipped model of the demo launcher', () => {
    expect(serveDemo).toContain(`const DEMO_TOKEN = '${DEMO_FEDERATED_TOKEN}';`);
    // The launcher starts the server from the model the app downloads (dist/web = public/).
    expect(DEMO_MODEL_URL.endsWith('demo/model/model.hearth')).toBe(true);
    expect(serveDemo).toContain("'dist/web/demo/model/model.hearth'");
  });
});
