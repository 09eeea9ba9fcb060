import { OptionError } from '../../core/errors';
import { evaluateScorer } from '../../core/eval/evaluate';
import { runEvaluation } from '../../core/eval/run-evaluation';
import { splitInteractions } from '../../core/eval/split';
import { runCooccurrenceSimulation } from '../../federated/cooccurrence-simulation';
import { createFoldInScorer } from '../../federated/fold-in-scorer';
import { runFederatedSimulation, type SimulationRound } from '../../federated/simulation';
import { DEFAULT_PAIR_UPLOAD_BUDGET } from '../../federated/round-plan';
import type { CliCommand, CliContext } from '../cli-context';
import { createProgressBar } from '../progress-bar';
import { INTERACTION_FLAGS, readInteractions } from './interaction-flags';

/** One round of `hearth-recs federated-sim --json`. */
interface RoundOut {
  readonly round: number;
  readonly cohort: number;
  readonly rows: number;
  readonly uploadBytes: number;
  readonly noiseMultiplier: number;
  readonly epsilon: number | null;
  readonly ms: number;
  readonly ndcg10?: number;
  readonly recall20?: number;
}

function positiveInt(value: unknown, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new OptionError(`--${flag} needs a positive integer (got "${String(value)}").`);
  return n;
}

function positiveNumber(value: unknown, flag: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n))
    throw new OptionError(`--${flag} needs a positive number (got "${String(value)}").`);
  return n;
}

/**
 * `hearth-recs federated-sim`: simulates federated iALS where every user is a client holding only its own
 * interactions, next to centralized training on the same split (protocol `random`).
 */
export const federatedSimCommand: CliCommand = {
  name: 'federated-sim',
  summary:
    'Simulate federated training (one client per user) against centralized iALS, with optional user-level DP',
  flags: [
    ...INTERACTION_FLAGS,
    {
      name: 'clients',
      type: 'number',
      description: 'Expected clients per round, sampled from all users (default: every user)',
    },
    { name: 'rounds', type: 'number', defaultValue: 20, description: 'Federated rounds' },
    {
      name: 'dp-epsilon',
      type: 'number',
      description: 'Total ε of user-level DP (noise calibrated to it); off by default',
    },
    { name: 'dp-delta', type: 'number', defaultValue: 1e-5, description: 'δ of user-level DP' },
    {
      name: 'training',
      type: 'string',
      description:
        "cooccurrence (one-shot private co-occurrence release; default with --dp-epsilon) or rounds (iterative iALS rounds; default without), as the server's --training",
    },
    { name: 'dp-mode', type: 'string', deprecatedFor: 'training', description: 'Old --training' },
    {
      name: 'head',
      type: 'number',
      description: 'cooccurrence mode: head items in the pair release (default 250)',
    },
    {
      name: 'factors',
      type: 'number',
      description: 'Embedding dimension (default 64; 12 in cooccurrence mode)',
    },
    {
      name: 'upload-budget',
      type: 'number',
      defaultValue: 100_000,
      description: 'Bytes per client per round',
    },
    {
      name: 'pair-upload-budget',
      type: 'number',
      defaultValue: DEFAULT_PAIR_UPLOAD_BUDGET,
      description: 'Cooccurrence mode: bytes per client in the pair release (caps the head)',
    },
    {
      name: 'learning-rate',
      type: 'number',
      description: 'Server step size (default 1)',
    },
    {
      name: 'ridge',
      type: 'number',
      description: 'Extra item-factor ridge (default 0, 30 with DP)',
    },
    {
      name: 'eval-every',
      type: 'number',
      defaultValue: 1,
      description: 'Evaluate every N rounds (and the last)',
    },
    {
      name: 'skip-centralized',
      type: 'boolean',
      description: 'Do not train the centralized baseline',
    },
    {
      name: 'seed',
      type: 'number',
      defaultValue: 42,
      description: 'Seed of the split, model and noise',
    },
    { name: 'json', type: 'boolean', description: 'Print one JSON object on stdout' },
  ],
  async run(flags, ctx: CliContext) {
    const rounds = positiveInt(flags['rounds'], 'rounds');
    const factors =
      flags['factors'] === undefined ? undefined : positiveInt(flags['factors'], 'factors');
    const evalEvery = positiveInt(flags['eval-every'], 'eval-every');
    const budget = positiveInt(flags['upload-budget'], 'upload-budget');
    const seed = Number(flags['seed']);
    const epsilon =
      flags['dp-epsilon'] === undefined
        ? undefined
        : positiveNumber(flags['dp-epsilon'], 'dp-epsilon');
    const delta = positiveNumber(flags['dp-delta'], 'dp-delta');
    if (delta >= 1) throw new OptionError(`--dp-delta must be below 1 (got ${delta}).`);
    const json = flags['json'] === true;
    const mode = flags['training'] ?? (epsilon !== undefined ? 'cooccurrence' : 'rounds');
    if (mode !== 'cooccurrence' && mode !== 'rounds') {
      throw new OptionError(`--training must be cooccurrence or rounds (got "${String(mode)}").`);
    }
    const { dataset, report } = await readInteractions(flags);
    ctx.reportImport(report);
    const split = splitInteractions(dataset, { protocol: 'random', seed });
    const users = split.train.rows;
    const clients =
      flags['clients'] === undefined ? users : positiveInt(flags['clients'], 'clients');
    if (clients > users)
      throw new OptionError(`--clients ${clients} exceeds the ${users} users of the file.`);
    const centralized =
      flags['skip-centralized'] === true
        ? null
        : await runEvaluation({
            dataset,
            model: 'mf',
            protocol: 'random',
            seed,
            ks: [10, 20],
            mf: { factors: factors ?? 64 },
          });
    if (mode === 'cooccurrence') {
      if (flags['clients'] !== undefined) {
        throw new OptionError(
          '--clients applies to --training rounds; the co-occurrence release uses every client once.',
        );
      }
      const result = runCooccurrenceSimulation({
        train: split.train,
        seed,
        ...(factors !== undefined ? { factors } : {}),
        uploadBudget: budget,
        pairUploadBudget: positiveInt(flags['pair-upload-budget'], 'pair-upload-budget'),
        ...(flags['head'] !== undefined ? { headSize: positiveInt(flags['head'], 'head') } : {}),
        ...(epsilon !== undefined ? { privacy: { epsilon, delta } } : {}),
      });
      const metrics = evaluateScorer(createFoldInScorer(result.model, split.train), split, {
        ks: [10, 20],
        auc: false,
      });
      const summary = {
        mode,
        users,
        items: split.train.cols,
        evaluatedUsers: split.evaluatedUsers,
        clientsPerRound: result.clients,
        head: result.head.length,
        factors: result.model.factors,
        rounds: [
          { round: 1, release: 'popularity', uploadBytes: result.uploadBytes.popularity },
          { round: 2, release: 'pairs', uploadBytes: result.uploadBytes.pairs },
        ],
        federated: { ndcg10: metrics['ndcg@10']!, recall20: metrics['recall@20']! },
        centralized: centralized
          ? { ndcg10: centralized.metrics['ndcg@10']!, recall20: centralized.metrics['recall@20']! }
          : null,
        uploadBytesPerClientRound: Math.max(
          result.uploadBytes.popularity,
          result.uploadBytes.pairs,
        ),
        privacy: {
          noiseMultiplier: result.noiseMultiplier,
          delta: result.delta,
          epsilon: Number.isFinite(result.epsilon) ? result.epsilon : null,
        },
        ms: result.ms,
      };
      if (json) {
        ctx.stdout.write(`${JSON.stringify(summary)}\n`);
        return;
      }
      ctx.stdout.write(
        `private co-occurrence release: ${result.clients} clients, ${split.train.cols} items, head ${result.head.length}, rank ${result.model.factors}; ` +
          `uploads ${result.uploadBytes.popularity} + ${result.uploadBytes.pairs} bytes per client` +
          (summary.privacy.epsilon !== null
            ? `, user-level DP ε=${summary.privacy.epsilon.toFixed(2)} δ=${delta} (noise ×${result.noiseMultiplier.pairs.toFixed(3)})\n`
            : ', no DP noise\n'),
      );
      ctx.stdout.write(
        `federated: NDCG@10 ${summary.federated.ndcg10.toFixed(4)}, Recall@20 ${summary.federated.recall20.toFixed(4)}\n`,
      );
      if (summary.centralized) {
        ctx.stdout.write(
          `centralized iALS: NDCG@10 ${summary.centralized.ndcg10.toFixed(4)}, Recall@20 ${summary.centralized.recall20.toFixed(4)}\n`,
        );
      }
      return;
    }
    const bar = createProgressBar('rounds', ctx.stderr, ctx.quiet || json);
    const out: RoundOut[] = [];
    const result = await runFederatedSimulation({
      train: split.train,
      rounds,
      seed,
      hyper: { factors: factors ?? 64 },
      uploadBudget: budget,
      clientFraction: clients / users,
      ...(epsilon !== undefined ? { privacy: { epsilon, delta } } : {}),
      ...(flags['learning-rate'] !== undefined
        ? { learningRate: positiveNumber(flags['learning-rate'], 'learning-rate') }
        : {}),
      ...(flags['ridge'] !== undefined ? { ridge: Number(flags['ridge']) } : {}),
      onRound(r: SimulationRound, model) {
        const evaluate = r.round % evalEvery === 0 || r.round === rounds;
        const metrics = evaluate
          ? evaluateScorer(createFoldInScorer(model, split.train), split, {
              ks: [10, 20],
              auc: false,
            })
          : null;
        out.push({
          round: r.round,
          cohort: r.cohort,
          rows: r.rows,
          uploadBytes: r.uploadBytes,
          noiseMultiplier: r.noiseMultiplier,
          epsilon: Number.isFinite(r.epsilon) ? r.epsilon : null,
          ms: r.ms,
          ...(metrics ? { ndcg10: metrics['ndcg@10']!, recall20: metrics['recall@20']! } : {}),
        });
        bar.update(r.round, rounds, metrics ? `NDCG@10 ${metrics['ndcg@10']!.toFixed(4)}` : '');
      },
    });
    const last = out[out.length - 1];
    const summary = {
      mode,
      users,
      items: split.train.cols,
      evaluatedUsers: split.evaluatedUsers,
      clientsPerRound: clients,
      rounds: out,
      federated: { ndcg10: last?.ndcg10 ?? null, recall20: last?.recall20 ?? null },
      centralized: centralized
        ? { ndcg10: centralized.metrics['ndcg@10']!, recall20: centralized.metrics['recall@20']! }
        : null,
      uploadBytesPerClientRound: Math.max(0, ...out.map((r) => r.uploadBytes)),
      privacy: {
        noiseMultiplier: result.noiseMultiplier,
        delta: result.delta,
        epsilon: Number.isFinite(result.epsilon) ? result.epsilon : null,
      },
    };
    if (json) {
      ctx.stdout.write(`${JSON.stringify(summary)}\n`);
      return;
    }
    ctx.stdout.write(
      `federated iALS: ${users} clients (${clients} per round), ${split.train.cols} items, ${rounds} rounds, ` +
        `${summary.uploadBytesPerClientRound} bytes per client per round` +
        (epsilon !== undefined
          ? `, user-level DP ε=${summary.privacy.epsilon?.toFixed(2)} δ=${delta} (noise ×${result.noiseMultiplier.toFixed(3)})\n`
          : ', no DP noise\n'),
    );
    ctx.stdout.write('round  NDCG@10  Recall@20  ε\n');
    for (const r of out) {
      if (r.ndcg10 === undefined) continue;
      ctx.stdout.write(
        `${String(r.round).padStart(5)}  ${r.ndcg10.toFixed(4)}   ${r.recall20!.toFixed(4)}     ${r.epsilon === null ? '∞' : r.epsilon.toFixed(2)}\n`,
      );
    }
    if (summary.centralized) {
      ctx.stdout.write(
        `centralized iALS: NDCG@10 ${summary.centralized.ndcg10.toFixed(4)}, Recall@20 ${summary.centralized.recall20.toFixed(4)}\n`,
      );
    }
  },
};
