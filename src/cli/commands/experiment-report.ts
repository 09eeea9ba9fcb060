/**
 * `hearth-recs experiment report`: the analysis of an experiment, from the aggregation server
 * (`--server URL --id ID`) or offline from a definitions file and an aggregates file.
 */
import { readFile } from 'node:fs/promises';
import { jsonErrorDetail } from '../../core/data/display-text';
import { DataError, OptionError } from '../../core/errors';
import {
  analyzeExperiment,
  type ExperimentAggregates,
  type ExperimentAnalysis,
  type ExperimentDefinition,
} from '../../core/experiments';
import {
  EXPERIMENTS_PATH,
  experimentAnalysisPath,
  type ExperimentsDocument,
} from '../../federated/experiment-protocol';
import { parseExperimentsDocument } from '../../federated/parse-experiments-document';
import type { ParsedFlags } from '../cli-args';
import type { CliCommand } from '../cli-context';
import { formatAnalysis } from './experiment-format';

/** Reads a file named by `--flag`, or an `OptionError` naming the flag. */
export async function readFlagFile(flags: ParsedFlags, flag: string): Promise<string> {
  const path = String(flags[flag]);
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new OptionError(`--${flag}: cannot read ${path} (${code}).`);
  }
}

/** The definition of `id` among `definitions` (the only one when `id` is undefined). */
function pick(
  definitions: readonly ExperimentDefinition[],
  id: string | undefined,
  flag: string,
): ExperimentDefinition {
  const found = id === undefined ? definitions : definitions.filter((d) => d.id === id);
  if (found.length === 1 && found[0] !== undefined) return found[0];
  const ids = definitions.map((d) => d.id).join(', ');
  throw new OptionError(
    id === undefined
      ? `--${flag} holds ${definitions.length} experiments (${ids}); choose one with --id.`
      : `--${flag} has no experiment "${id}" (it has ${ids || 'none'}).`,
  );
}

async function offlineAnalysis(
  flags: ParsedFlags,
): Promise<{ analysis: ExperimentAnalysis; definition: ExperimentDefinition }> {
  const definitionFile = String(flags['definition']);
  const definitions = parseExperimentsDocument(
    await readFlagFile(flags, 'definition'),
    definitionFile,
  );
  let aggregates: ExperimentAggregates;
  try {
    aggregates = JSON.parse(await readFlagFile(flags, 'aggregates')) as ExperimentAggregates;
  } catch (error) {
    if (error instanceof OptionError) throw error;
    throw new OptionError(`--aggregates: not valid JSON (${jsonErrorDetail(error)}).`);
  }
  const id = typeof flags['id'] === 'string' ? flags['id'] : aggregates.experimentId;
  const definition = pick(definitions, id, 'definition');
  const now = flags['now'] === undefined ? Date.now() : Date.parse(String(flags['now']));
  if (Number.isNaN(now)) {
    throw new OptionError(`--now must be an ISO 8601 date (got "${String(flags['now'])}").`);
  }
  // As the server does: an experiment's results stop at its stop.
  const stop = definition.stop === undefined ? Infinity : Date.parse(definition.stop);
  const asOf = new Date(Math.min(now, stop)).toISOString();
  return { analysis: analyzeExperiment({ definition, aggregates, asOf }), definition };
}

async function getJson(url: string, token: string): Promise<unknown> {
  let res: Response;
  try {
    res = await fetch(url, { headers: { Authorization: `Bearer ${token}` } });
  } catch (error) {
    throw new OptionError(
      `--server: cannot reach ${url} (${error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error)}).`,
    );
  }
  const text = await res.text();
  if (!res.ok) {
    let message = text.slice(0, 300);
    try {
      message = (JSON.parse(text) as { error: { message: string } }).error.message;
    } catch {
      // Not the server's JSON error: show the start of the body.
    }
    throw new DataError('UNREADABLE_INPUT', `${url} answered ${res.status}: ${message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DataError(
      'UNREADABLE_INPUT',
      `${url} did not answer JSON (${jsonErrorDetail(error)}).`,
    );
  }
}

async function serverAnalysis(
  flags: ParsedFlags,
): Promise<{ analysis: ExperimentAnalysis; definition: ExperimentDefinition | null }> {
  const token = flags['token'] ?? process.env['HEARTH_FEDERATED_TOKEN'];
  if (typeof token !== 'string' || token === '') {
    throw new OptionError(
      '--token (or HEARTH_FEDERATED_TOKEN) is needed with --server: every route needs the deployment token.',
    );
  }
  if (typeof flags['id'] !== 'string') throw new OptionError('--id is needed with --server.');
  let base: URL;
  try {
    base = new URL(String(flags['server']));
  } catch {
    throw new OptionError(
      `--server must be a URL such as http://127.0.0.1:8787 (got "${String(flags['server'])}").`,
    );
  }
  const root = base.href.replace(/\/$/, '');
  const analysis = (await getJson(
    `${root}${experimentAnalysisPath(flags['id'])}`,
    token,
  )) as ExperimentAnalysis;
  const document = (await getJson(`${root}${EXPERIMENTS_PATH}`, token)) as ExperimentsDocument;
  const definition = document.experiments.find((d) => d.id === flags['id']) ?? null;
  return { analysis, definition };
}

/** `hearth-recs experiment report`. */
export const experimentReportCommand: CliCommand = {
  name: 'report',
  summary:
    'Analyze an experiment: from the server (--server, --id) or offline (--definition, --aggregates)',
  flags: [
    {
      name: 'server',
      type: 'string',
      description: 'Aggregation server URL (e.g. http://127.0.0.1:8787)',
    },
    {
      name: 'token',
      type: 'string',
      description: 'Deployment token (default: env HEARTH_FEDERATED_TOKEN)',
    },
    {
      name: 'id',
      type: 'string',
      description: "Experiment id (offline: default the aggregates file's)",
    },
    {
      name: 'definition',
      type: 'string',
      description: 'Offline: experiment definitions file (JSON)',
    },
    {
      name: 'aggregates',
      type: 'string',
      description:
        'Offline: per-arm aggregates file (JSON ExperimentAggregates: experimentId, version, arms)',
    },
    {
      name: 'now',
      type: 'string',
      description: 'Offline: analyze as of this ISO 8601 time (default now; never past the stop)',
    },
    { name: 'json', type: 'boolean', description: 'Print the analysis as JSON on stdout' },
  ],
  async run(flags, ctx) {
    const server = flags['server'] !== undefined;
    const offline = flags['definition'] !== undefined || flags['aggregates'] !== undefined;
    if (server === offline) {
      throw new OptionError(
        "Give either --server URL --id ID (the server's analysis) or --definition FILE --aggregates FILE (offline).",
      );
    }
    if (offline && (flags['definition'] === undefined || flags['aggregates'] === undefined)) {
      throw new OptionError(
        `--${flags['definition'] === undefined ? 'definition' : 'aggregates'} is needed for an offline report.`,
      );
    }
    if (!server && flags['token'] !== undefined)
      throw new OptionError('--token goes with --server.');
    const { analysis, definition } = server
      ? await serverAnalysis(flags)
      : await offlineAnalysis(flags);
    ctx.stdout.write(
      flags['json'] === true
        ? `${JSON.stringify(analysis)}\n`
        : `${formatAnalysis(analysis, definition)}\n`,
    );
  },
};
