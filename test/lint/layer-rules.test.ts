import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO = fileURLToPath(new URL('../..', import.meta.url));
/** Every folder of `src/`: a new one without a layer rule fails the app test below. */
const LAYER_NAMES = readdirSync(`${REPO}src`, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);

let eslint: ESLint;
beforeAll(() => {
  eslint = new ESLint({ cwd: REPO });
});

/** The `no-restricted-imports` reports for `code` linted as if it were the file `filePath`. */
async function restricted(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${REPO}${filePath}` });
  return result!.messages
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax')
    .map((m) => m.message);
}

/** A file of `layer` that imports `target` (a path under `src/`) through a relative path. */
function importing(layer: string, target: string, form = 'import { x } from'): [string, string] {
  const code =
    form === 'import()'
      ? `export const load = () => import('../../${target}');\n`
      : `${form} '../../${target}';\nexport const y = x;\n`;
  return [`src/${layer}/sub/probe.ts`, code];
}

const FORBIDDEN: [string, string, string?][] = [
  ['core', 'storage/store-types'],
  ['core', 'worker/worker-rpc'],
  ['core', 'federated/aggregation'],
  ['core', 'server/http-server'],
  ['core', 'cli/main'],
  ['storage', 'worker/worker-rpc'],
  ['storage', 'federated/consent-store'],
  ['worker', 'widget/element'],
  ['worker', 'server/main'],
  ['widget', 'cli/main'],
  ['federated', 'worker/worker-rpc'],
  ['federated', 'storage/store-types'],
  ['federated', 'server/round-manager'],
  ['server', 'storage/store-types'],
  ['server', 'worker/federated-runtime'],
  ['server', 'widget/element'],
  ['server', 'cli/main'],
  ['cli', 'storage/store-types'],
  ['cli', 'worker/worker-rpc'],
  ['cli', 'server/main'],
  ['cli', 'app/runtime/store-reader'],
  ['sw', 'worker/worker-rpc'],
  ['sw', 'widget/offline'],
  ['worker', 'sw/offline-protocol'],
  // Type-only imports and re-exports cross layers too.
  ['core', 'storage/store-types', 'import type { x } from'],
  ['federated', 'worker/worker-rpc', 'export { x } from'],
  // A lazy import() is an import as well.
  ['core', 'storage/store-types', 'import()'],
  ['worker', 'app/runtime/store-reader', 'import()'],
  ['server', 'storage/store-types', 'import()'],
];

const ALLOWED: [string, string][] = [
  ['core', 'core/errors'],
  ['storage', 'core/errors'],
  ['federated', 'core/errors'],
  ['worker', 'storage/store-types'],
  ['worker', 'federated/federated-client'],
  ['widget', 'worker/worker-rpc'],
  ['app', 'widget/element'],
  ['app', 'core/demo-data/index'],
  ['cli', 'core/demo-data/index'],
  ['sw', 'core/errors'],
  ['widget', 'sw/offline-protocol'],
  ['server', 'core/models/mf/mf-model'],
  ['server', 'federated/federated-protocol'],
  ['cli', 'core/bundle/bundle-file'],
  ['cli', 'federated/federated-protocol'],
];

describe('#14 ESLint layer rules', () => {
  it('#14 src/core keeps its own restrictions (a later block no longer replaces them)', async () => {
    const config = (await eslint.calculateConfigForFile(`${REPO}src/core/index.ts`)) as {
      rules: Record<string, [unknown, { patterns: { group: string[] }[] }]>;
    };
    const groups = config.rules['no-restricted-imports']![1].patterns.flatMap((p) => p.group);
    expect(groups).toEqual(
      expect.arrayContaining(['**/storage/**', '**/worker/**', '**/app/**', '**/federated/**']),
    );
    expect(groups).toContain('node:*');
  });

  for (const [layer, target, form] of FORBIDDEN) {
    it(`#14 src/${layer} importing src/${target}${form ? ` (${form})` : ''} is reported`, async () => {
      const messages = await restricted(...importing(layer, target, form));
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain(`src/${layer} may import only`);
    });
  }

  it('#14 nothing outside src/app imports src/app', async () => {
    expect(LAYER_NAMES).toEqual(expect.arrayContaining(['core', 'federated', 'server', 'cli']));
    for (const layer of LAYER_NAMES.filter((name) => name !== 'app')) {
      expect(await restricted(...importing(layer, 'app/runtime/store-reader')), layer).toHaveLength(
        1,
      );
    }
  });

  it('#14 browser layers may not import Node built-ins; server and cli may', async () => {
    for (const layer of ['core', 'storage', 'federated', 'worker', 'widget']) {
      const messages = await restricted(
        `src/${layer}/probe.ts`,
        "import { x } from 'node:fs';\nexport const y = x;\n",
      );
      expect(messages, layer).toHaveLength(1);
    }
    for (const layer of ['server', 'cli']) {
      expect(
        await restricted(
          `src/${layer}/probe.ts`,
          "import { x } from 'node:fs';\nexport const y = x;\n",
        ),
      ).toEqual([]);
    }
    expect(
      await restricted('src/core/probe.ts', "import { x } from 'react';\nexport const y = x;\n"),
    ).toHaveLength(1);
    expect(
      await restricted('src/widget/probe.tsx', "import { x } from 'react';\nexport const y = x;\n"),
    ).toEqual([]);
  });

  for (const [layer, target] of ALLOWED) {
    it(`src/${layer} may import src/${target}, statically or lazily`, async () => {
      expect(await restricted(...importing(layer, target))).toEqual([]);
      expect(await restricted(...importing(layer, target, 'import()'))).toEqual([]);
    });
  }
});
