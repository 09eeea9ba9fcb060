import { OptionError } from '../../core/errors';
import { runEvaluation, type EvaluationModel } from '../../core/eval/run-evaluation';
import type { SplitProtocol } from '../../core/eval/split';
import type { CliContext, CliCommand } from '../cli-context';
import { createProgressBar, formatMs } from '../progress-bar';
import {
  resolveComputePath,
  COMPUTE_FLAGS,
  mfOverrides,
  tuneFlags,
  validateBackendFlag,
} from './compute-flags';
import { createTuneProgress, formatTuningSummary } from './tuning-summary';
import { INTERACTION_FLAGS, parseIntList, readInteractions } from './interaction-flags';
import { VISITOR_PROTOCOL_FLAGS, isVisitorProtocol, runVisitorProtocol } from './eval-protocols';

const MODELS: readonly EvaluationModel[] = ['auto', 'mf', 'pop', 'itemknn'];
const PROTOCOLS: readonly SplitProtocol[] = ['random', 'last', 'temporal'];

/** `hearth eval`: offline evaluation of a model on an interaction file. */
export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Split interactions, train a model and report ranking metrics',
  flags: [
    ...INTERACTION_FLAGS,
    {
      name: 'model',
      type: 'string',
      defaultValue: 'auto',
      description: 'auto (what train ships: tuned family choice)|mf|pop|itemknn',
    },
    ...COMPUTE_FLAGS,
    {
      name: 'protocol',
      type: 'string',
      defaultValue: 'random',
      description: 'random|last|temporal|first-n (new visitors)|next-item (similar rows)',
    },
    ...VISITOR_PROTOCOL_FLAGS,
    { name: 'k', type: 'string', defaultValue: '10,20', description: 'Cut-offs, comma-separated' },
    { name: 'json', type: 'boolean', description: 'Print one JSON object on stdout' },
  ],
  async run(flags, ctx: CliContext) {
    const model = String(flags['model']) as EvaluationModel;
    if (!MODELS.includes(model))
      throw new OptionError(`--model must be auto, mf, pop or itemknn (got "${model}").`);
    const requested = String(flags['protocol']);
    if (isVisitorProtocol(requested)) return runVisitorProtocol(requested, flags, ctx);
    const protocol = requested as SplitProtocol;
    if (!PROTOCOLS.includes(protocol)) {
      throw new OptionError(
        `--protocol must be random, last, temporal, first-n or next-item (got "${protocol}").`,
      );
    }
    const ks = parseIntList(flags['k'], 'k');
    const seed = Number(flags['seed']);
    const json = flags['json'] === true;
    validateBackendFlag(flags);
    const tuning = tuneFlags(flags);
    const { dataset, report } = await readInteractions(flags);
    ctx.reportImport(report);
    const shipped = model === 'auto' || model === 'mf';
    const compute = shipped ? await resolveComputePath(flags, ctx) : undefined;
    const bar = createProgressBar('training', ctx.stderr, ctx.quiet);
    try {
      const result = await runEvaluation({
        dataset,
        model,
        protocol,
        seed,
        ks,
        ...(compute ? { computePath: compute.path } : {}),
        ...(shipped
          ? {
              pipeline: {
                tune: tuning.tune,
                budgetMs: tuning.budgetMs,
                fixed: tuning.fixed,
                onTuneProgress: createTuneProgress(ctx.stderr, ctx.quiet),
              },
            }
          : { mf: mfOverrides(flags) }),
        onProgress: (p) => bar.update(p.epoch, p.epochs, `loss ${p.loss.toFixed(4)}`),
      });
      const out = {
        ...result,
        interactions: dataset.columns.length,
        rejectedRows: report.rejectedRows,
        ...(compute ? { computeChoice: compute.reason } : {}),
      };
      if (json) {
        ctx.stdout.write(`${JSON.stringify(out)}\n`);
      } else {
        ctx.stdout.write(
          `${model} on ${dataset.userVocab.size} users × ${dataset.itemVocab.size} items ` +
            `(protocol ${protocol}, seed ${seed}, ${result.evaluatedUsers} users evaluated)\n` +
            `trained in ${formatMs(result.trainMs)}${result.computePath ? ` on ${result.computePath}` : ''}\n` +
            (result.tuning ? formatTuningSummary(result.tuning) : ''),
        );
        for (const [name, value] of Object.entries(result.metrics)) {
          ctx.stdout.write(`  ${name.padEnd(14)} ${value.toFixed(4)}\n`);
        }
      }
    } finally {
      compute?.path.dispose();
    }
  },
};
