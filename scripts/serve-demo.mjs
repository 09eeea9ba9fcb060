// Serves the built demo (`npm run demo`): the federated aggregation server
// (dist/server/hearth-server.mjs) on a private loopback port, running the demo experiment
// (dist/web/demo/experiments.json, written by scripts/prepare-demo.ts), then `vite preview`
// (dist/web) with `/v1` proxied to it (vite.config.ts), so the storefront's federated learning and
// experiment reports reach the server on the page's own origin. Builds nothing: run
// `npm run build` first. Ctrl-C stops both.
//
//   node scripts/serve-demo.mjs [--host 127.0.0.1] [--port 4173] [--data-dir .hearth-demo-server]
//                               [--fresh] [--min-cohort 2] [--max-cohort 10] [--round-seconds 10]
//                               [--experiments FILE | --no-experiments]
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/**
 * The demo deployment token; must equal DEMO_FEDERATED_TOKEN in src/app/runtime/demo-config.ts
 * (a test checks). It identifies the site, not a visitor, so it is public.
 */
const DEMO_TOKEN = 'hearth-demo-federated-token';

const SERVER_ENTRY = join(ROOT, 'dist/server/hearth-server.mjs');
// The shipped global model, exactly as the app downloads it: the server starts from the same one.
const DEMO_MODEL = join(ROOT, 'dist/web/demo/model/model.hearth');
// The demo experiment's definitions (GET /v1/experiments), as built with the app.
const DEMO_EXPERIMENTS = 'dist/web/demo/experiments.json';
const VITE = join(ROOT, 'node_modules/vite/bin/vite.js');

const { values } = parseArgs({
  options: {
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '4173' },
    'data-dir': { type: 'string', default: '.hearth-demo-server' },
    fresh: { type: 'boolean', default: false },
    'min-cohort': { type: 'string', default: '2' },
    'max-cohort': { type: 'string', default: '10' },
    'round-seconds': { type: 'string', default: '10' },
    experiments: { type: 'string', default: DEMO_EXPERIMENTS },
    // Other e2e specs: no arm (a holdout would empty their rows at random).
    'no-experiments': { type: 'boolean', default: false },
  },
  strict: true,
});

const log = (message) => process.stdout.write(`serve-demo: ${message}\n`);

function fail(message) {
  process.stderr.write(`serve-demo: ${message}\n`);
  process.exit(1);
}

for (const [path, what] of [
  [SERVER_ENTRY, 'the aggregation server'],
  [DEMO_MODEL, 'the demo app'],
  ...(values['no-experiments']
    ? []
    : [[resolve(ROOT, values.experiments), 'the experiments file']]),
]) {
  if (!existsSync(path)) fail(`${what} is not built (${path} is missing): run \`npm run build\`.`);
}

/**
 * The server keeps its model and rounds in the data directory and reads `--model` only on its
 * first start; when the shipped model changed (demo data regenerated), start over from it.
 */
function prepareDataDir() {
  const base = resolve(ROOT, values['data-dir']);
  const dataDir = join(base, 'server');
  const marker = join(base, 'model.sha256');
  const digest = createHash('sha256').update(readFileSync(DEMO_MODEL)).digest('hex');
  const known = existsSync(marker) ? readFileSync(marker, 'utf8').trim() : null;
  if (values.fresh || known !== digest) {
    if (existsSync(dataDir)) {
      log(
        values.fresh
          ? 'starting from a fresh server state'
          : 'the demo model changed: resetting the server state',
      );
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(marker, `${digest}\n`);
  return dataDir;
}

const children = new Set();
let stopping = false;

/** Stops every child (SIGTERM: the server closes its round log cleanly), then exits. */
function stopAll(code) {
  if (stopping) return;
  stopping = true;
  const exits = [...children].map(
    (child) =>
      new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', done);
        child.kill('SIGTERM');
      }),
  );
  Promise.all(exits).then(() => process.exit(code));
}

function start(args, env, name) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) {
      process.stderr.write(`serve-demo: ${name} exited (${signal ?? `code ${code}`}); stopping.\n`);
      stopAll(code === 0 ? 1 : (code ?? 1));
    }
  });
  return child;
}

/** Starts the aggregation server on a free loopback port; resolves with its URL. */
function startServer(dataDir) {
  const server = start(
    [
      SERVER_ENTRY,
      ...['--data-dir', dataDir, '--token', DEMO_TOKEN, '--model', DEMO_MODEL],
      ...['--host', '127.0.0.1', '--port', '0', '--aggregation', 'plain'],
      ...['--min-cohort', values['min-cohort'], '--max-cohort', values['max-cohort']],
      ...['--round-seconds', values['round-seconds']],
      // Devices refuse rounds without DP noise (their own privacy floor: noise multiplier ≥ 0.6).
      ...['--noise-multiplier', '1'],
      // Behind the preview proxy every visitor shares the proxy's address.
      ...['--rate', '50', '--burst', '200'],
      ...(values['no-experiments'] ? [] : ['--experiments', resolve(ROOT, values.experiments)]),
    ],
    {},
    'the aggregation server',
  );
  return new Promise((resolveUrl) => {
    let out = '';
    server.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      if (out === null) return;
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        out = null;
        resolveUrl(match[1]);
      }
    });
  });
}

process.once('SIGINT', () => stopAll(0));
process.once('SIGTERM', () => stopAll(0));

const serverUrl = await startServer(prepareDataDir());
const preview = start(
  [VITE, 'preview', '--host', values.host, '--port', values.port, '--strictPort'],
  { HEARTH_DEMO_SERVER_URL: serverUrl },
  'vite preview',
);
preview.stdout.pipe(process.stdout);
log(
  `federated learning: cohorts of ${values['min-cohort']}–${values['max-cohort']} devices, rounds of ${values['round-seconds']} s, /v1 → ${serverUrl}`,
);
log(
  values['no-experiments']
    ? 'experiments: none (--no-experiments)'
    : `experiments: ${values.experiments} (analysis on the Experiments page)`,
);
