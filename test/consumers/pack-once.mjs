// Shared by the consumer tests: packs the repository into a tarball once per run (through
// `npm pack`, so `prepack` builds everything the package ships) and makes throw-away projects
// outside the repository that install it. The runner (run-consumers.mjs) packs first and hands the
// tarball to every `*.consumer.mjs` through HEARTH_TARBALL; a consumer run on its own packs itself.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** Environment variable holding the packed tarball's absolute path. */
export const TARBALL_ENV = 'HEARTH_TARBALL';

/**
 * Runs a command; resolves with its output, rejects with the output when it exits non-zero
 * (unless `allowFailure`).
 *
 * @param {string} command
 * @param {readonly string[]} args
 * @param {{ cwd?: string, env?: NodeJS.ProcessEnv, allowFailure?: boolean, quiet?: boolean }} [options]
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
export function run(command, args, options = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      const result = { code: code ?? 1, stdout, stderr };
      if (result.code !== 0 && !options.allowFailure) {
        const shown = `${stdout}\n${stderr}`.trim().split('\n').slice(-40).join('\n');
        reject(new Error(`${command} ${args.join(' ')} exited ${result.code}:\n${shown}`));
      } else {
        resolvePromise(result);
      }
    });
  });
}

/**
 * Packs the repository once: reuses HEARTH_TARBALL when it names an existing file, else runs
 * `npm pack` (which runs `prepack`) into a temp folder and records the path in HEARTH_TARBALL for
 * child processes.
 *
 * @returns {Promise<string>} absolute path of the `.tgz`
 */
export async function packOnce() {
  const known = process.env[TARBALL_ENV];
  if (known && existsSync(known)) return known;
  const dest = await mkdtemp(join(tmpdir(), 'hearth-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dest]);
  // prepack's build output comes first on stdout; npm's JSON report starts at a line "[".
  const json = stdout.slice(stdout.search(/^\[$/m));
  const [info] = JSON.parse(json);
  const tarball = join(dest, info.filename);
  await writeFile(`${tarball}.json`, JSON.stringify(info));
  process.env[TARBALL_ENV] = tarball;
  return tarball;
}

/**
 * What `npm pack --json` reported for the tarball (file list, sizes), saved beside it by
 * {@link packOnce}.
 *
 * @param {string} tarball
 * @returns {Promise<{ filename: string, size: number, unpackedSize: number, entryCount: number, files: { path: string, size: number }[] }>}
 */
export async function packReport(tarball) {
  return JSON.parse(await readFile(`${tarball}.json`, 'utf8'));
}

/**
 * Creates a throw-away project in the OS temp folder (never inside the repository), writes its
 * `package.json` and `files`, and installs the tarball plus `dependencies` from the registry.
 *
 * @param {{ name: string, tarball: string, dependencies?: Record<string, string>, files?: Record<string, string> }} options
 * @returns {Promise<{ dir: string, dispose: () => Promise<void> }>}
 */
export async function createConsumerProject(options) {
  const dir = await mkdtemp(join(tmpdir(), `hearth-consumer-${options.name}-`));
  const pkg = { name: `consumer-${options.name}`, private: true, type: 'module' };
  await writeFile(join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  for (const [path, text] of Object.entries(options.files ?? {})) {
    await mkdir(resolve(dir, path, '..'), { recursive: true });
    await writeFile(join(dir, path), text);
  }
  const extra = Object.entries(options.dependencies ?? {}).map(([n, v]) => `${n}@${v}`);
  await run('npm', ['install', '--no-audit', '--no-fund', options.tarball, ...extra], { cwd: dir });
  return { dir, dispose: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Throws with `message` unless `condition` holds.
 *
 * @param {unknown} condition
 * @param {string} message
 * @returns {asserts condition}
 */
export function check(condition, message) {
  if (!condition) throw new Error(message);
}
