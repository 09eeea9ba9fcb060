/**
 * `hearth-recs experiment plan` (sample size and duration before launch) and
 * `hearth-recs experiment validate FILE` (check a definitions file as the server will).
 */
import { OptionError } from '../../core/errors';
import { planExperiment, reportNoiseMultiplier } from '../../core/experiments';
import { parseExperimentsDocument } from '../../federated/parse-experiments-document';
import type { ParsedFlags } from '../cli-args';
import type { CliCommand } from '../cli-context';
import { formatTable } from './experiment-format';
import { readFlagFile } from './experiment-report';

/** An open interval (lower, upper) and how to say it in an error. */
type OpenRange = readonly [lower: number, upper: number, says: string];

/** The number flag `name` (undefined when absent) inside `range`, else an `OptionError` naming it. */
function numberIn(flags: ParsedFlags, name: string, range: OpenRange): number | undefined {
  const value = flags[name];
  const [lower, upper, says] = range;
  if (value === undefined) return undefined;
  if (typeof value === 'number' && value > lower && value < upper) return value;
  throw new OptionError(`--${name} must be ${says} (got ${String(value)}).`);
}

/** `hearth-recs experiment plan`. */
export const experimentPlanCommand: CliCommand = {
  name: 'plan',
  summary: 'Exposed visitors per arm and days needed to detect a lift (before launch)',
  flags: [
    {
      name: 'baseline',
      type: 'number',
      required: true,
      description: 'Control mean of the primary metric: a rate in (0, 1), or a mean with --sd',
    },
    {
      name: 'lift',
      type: 'number',
      required: true,
      description: 'Smallest relative lift worth detecting (0.05 = +5%)',
    },
    {
      name: 'sd',
      type: 'number',
      description: 'Per-visitor standard deviation, for a mean metric (× √(1 − ρ²) with CUPED)',
    },
    {
      name: 'daily-visitors',
      type: 'number',
      description: 'Exposed visitors per day, all arms together (gives the days)',
    },
    {
      name: 'arms',
      type: 'number',
      defaultValue: 2,
      description: 'Arms sharing the traffic equally, control included',
    },
    {
      name: 'looks',
      type: 'number',
      description:
        'Analyses over the experiment (default: one per day of the planned duration with --daily-visitors, else 14)',
    },
    { name: 'alpha', type: 'number', defaultValue: 0.05, description: 'False-positive rate' },
    {
      name: 'power',
      type: 'number',
      defaultValue: 0.8,
      description: 'Chance of detecting the lift',
    },
    {
      name: 'fixed-horizon',
      type: 'boolean',
      description: 'Plan for one fixed-horizon look instead of anytime-valid intervals',
    },
    { name: 'json', type: 'boolean', description: 'Print the plan as JSON on stdout' },
  ],
  run(flags, ctx) {
    const sd = numberIn(flags, 'sd', [0, Infinity, 'a positive number']);
    const binomial = sd === undefined;
    const baseline = numberIn(flags, 'baseline', [
      0,
      binomial ? 1 : Infinity,
      binomial ? 'a rate in (0, 1) (or pass --sd for a mean metric)' : 'a positive number',
    ]);
    const lift = numberIn(flags, 'lift', [0, Infinity, 'a positive relative lift (0.05 = +5%)']);
    const arms = Number(flags['arms']);
    if (!Number.isInteger(arms) || arms < 2)
      throw new OptionError(`--arms must be an integer ≥ 2 (got ${String(flags['arms'])}).`);
    const fixedLooks = flags['looks'] === undefined ? null : Number(flags['looks']);
    if (fixedLooks !== null && !(Number.isInteger(fixedLooks) && fixedLooks >= 1))
      throw new OptionError(`--looks must be an integer ≥ 1 (got ${String(flags['looks'])}).`);
    const alpha = numberIn(flags, 'alpha', [0, 0.5, 'in (0, 0.5)']) ?? 0.05;
    const power = numberIn(flags, 'power', [0.5, 1, 'in (0.5, 1)']) ?? 0.8;
    const daily = numberIn(flags, 'daily-visitors', [0, Infinity, 'a positive number']);
    if (binomial && (baseline ?? 0) * (1 + (lift ?? 0)) >= 1) {
      throw new OptionError('--baseline × (1 + --lift) must stay below 1 for a rate.');
    }
    const sequential = flags['fixed-horizon'] !== true;
    const planWith = (looks: number) =>
      planExperiment({
        baselineMean: baseline ?? 0,
        minimumDetectableLift: lift ?? 0,
        binomial,
        ...(sd !== undefined ? { baselineVariance: sd * sd } : {}),
        alpha,
        power,
        looks: sequential ? looks : 1,
        sequential,
        ...(daily !== undefined ? { dailyExposedPerArm: daily / arms } : {}),
      });
    let looks = fixedLooks ?? 14;
    let plan = planWith(looks);
    // Without --looks: one look per daily report over the days the plan itself needs.
    for (
      let i = 0;
      i < 5 && fixedLooks === null && plan.days !== null && plan.days !== looks;
      i++
    ) {
      looks = Math.max(1, plan.days);
      plan = planWith(looks);
    }
    if (flags['json'] === true) {
      ctx.stdout.write(
        `${JSON.stringify({ ...plan, arms, totalSample: plan.samplePerArm * arms, sequential, looks: sequential ? looks : 1 })}\n`,
      );
      return Promise.resolve();
    }
    const rows = [
      ['exposed visitors per arm', plan.samplePerArm.toLocaleString('en-US')],
      ['exposed visitors in all', (plan.samplePerArm * arms).toLocaleString('en-US')],
      ['power at that sample', `${(100 * plan.power).toFixed(1)}%`],
      ['days', plan.days === null ? 'pass --daily-visitors' : String(plan.days)],
    ];
    ctx.stdout.write(
      `${formatTable(rows)}\n` +
        `${sequential ? `Anytime-valid intervals, ${looks} looks` : 'One fixed-horizon look'} at α = ${alpha}; ` +
        `put plannedSamplePerArm: ${plan.samplePerArm} in the definition.\n`,
    );
    return Promise.resolve();
  },
};

/** `hearth-recs experiment validate FILE`. */
export const experimentValidateCommand: CliCommand = {
  name: 'validate',
  summary: 'Check a file of experiment definitions as the server will load it',
  flags: [
    {
      name: 'file',
      type: 'string',
      required: true,
      description: 'The definitions file (also the first argument)',
    },
    { name: 'json', type: 'boolean', description: 'Print what was checked as JSON on stdout' },
  ],
  async run(flags, ctx) {
    const file = String(flags['file']);
    const definitions = parseExperimentsDocument(await readFlagFile(flags, 'file'), file);
    const checked = definitions.map((d) => ({
      id: d.id,
      version: d.version,
      arms: d.arms.map((a) => a.id),
      metrics: [d.primaryMetric, ...(d.guardrailMetrics ?? [])].map((m) => m.id),
      noiseMultiplier: reportNoiseMultiplier(d),
    }));
    if (flags['json'] === true) {
      ctx.stdout.write(`${JSON.stringify({ file, experiments: checked })}\n`);
      return;
    }
    const lines = definitions.map((d, i) => {
      const weights = d.arms.reduce((sum, a) => sum + a.weight, 0);
      const arms = d.arms
        .map(
          (a) =>
            `${a.id} ${((100 * a.weight) / weights).toFixed(0)}%${a.holdout ? ' (holdout)' : ''}`,
        )
        .join(', ');
      const noise = d.privacy
        ? `; reports noised at ε = ${d.privacy.epsilon} (multiplier ${checked[i]?.noiseMultiplier.toFixed(3)})`
        : '';
      const audience = Object.entries(d.audience ?? {})
        .map(
          ([key, value]) =>
            `${key} ${Array.isArray(value) ? `in ${value.join('/')}` : `= ${String(value)}`}`,
        )
        .join(', ');
      const who = audience === '' ? '' : `; audience ${audience}`;
      return `ok ${d.id} v${d.version}: ${arms}; primary ${d.primaryMetric.id}, guardrails ${checked[i]?.metrics.slice(1).join(', ') || 'none'}; from ${d.start}${d.stop ? ` to ${d.stop}` : ''}${who}${noise}`;
    });
    ctx.stdout.write(`${lines.join('\n')}\n`);
  },
};
