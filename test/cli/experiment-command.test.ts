import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  analyzeExperiment,
  planExperiment,
  simulateExperiment,
  type ExperimentDefinition,
} from '../../src/core/experiments';
import { createRng } from '../../src/core/random';
import { createExperimentLedger } from '../../src/server/experiments/experiment-ledger';
import { createFederatedHttpServer } from '../../src/server/http-server';
import { createMemoryStore } from '../../src/server/memory-store';
import { createRoundManager } from '../../src/server/round-manager';
import { TOKEN, smallModel, testConfig } from '../server/server-test-helpers';
import { NOW, plainDefinition, plainReport } from '../server/experiments/experiment-fixtures';
import { cli, jsonOut, oneLineError } from './run-cli';

const dir = mkdtempSync(join(tmpdir(), 'hearth-experiment-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The server tests' experiment (three arms, a CUPED revenue guardrail), with minimums to reach. */
const definition: ExperimentDefinition = {
  ...plainDefinition,
  guardrailMetrics: [{ id: 'add-to-cart', kind: 'binomial' }, ...plainDefinition.guardrailMetrics!],
  stop: '2026-03-31T00:00:00Z',
  minimumSamplePerArm: 1000,
  minimumRuntimeDays: 7,
};

function write(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

/** Ten simulated days with a true +60% click lift in the treatment. */
function simulated() {
  const truth = (clickRate: number) => ({ clickRate, cartRate: 0.05, revenueFactor: 1 });
  return simulateExperiment({
    definition,
    truth: [truth(0.1), truth(0.16), truth(0.1)],
    revenue: { purchaseRate: 0.05, logMean: 3, logSd: 1, correlation: 0.5 },
    seed: 3,
    days: 10,
    visitorsPerDay: 800,
  });
}

describe('hearth-recs experiment report (offline)', () => {
  const { periods, asOf } = simulated();
  const definitionFile = write('definitions.json', { protocol: 1, experiments: [definition] });
  const aggregatesFile = write('aggregates.json', periods[9]);
  /** `experiment report` of day `day`'s aggregates, offline. */
  const report = (day: number, ...extra: string[]) => {
    const aggregates = write(`aggregates-${day}.json`, periods[day]);
    const args = ['--definition', definitionFile, '--aggregates', aggregates, '--now', asOf[day]!];
    return cli(['experiment', 'report', ...args, ...extra]);
  };

  it('prints arms, rates with intervals, lifts, chance to win, SRM and the verdict', async () => {
    const run = await report(9);
    expect(run.code, run.stderr).toBe(0);
    const analysis = analyzeExperiment({ definition, aggregates: periods[9]!, asOf: asOf[9]! });
    const out = run.stdout;
    expect(out).toMatch(/^rows-v2 v3: ready, 10\.0 days\n/);
    expect(out).toMatch(/sample ratio: ok \(p = \d\.\d{3}; anytime-valid p = /);
    const control = analysis.arms[0]!;
    const counts = [control.visitors, control.exposedVisitors].map((n) =>
      n.toLocaleString('en-US'),
    );
    expect(out).toMatch(new RegExp(`\ncontrol +${counts[0]} +${counts[1]}\n`));
    expect(out).toMatch(/row-click \(primary, binomial\)\n {2}control +\d+\.\d\d% +± \d\.\d\d%/);
    expect(out).toMatch(/revenue \(guardrail, mean capped at 100\)/);
    const click = analysis.comparisons.find((c) => c.metricId === 'row-click')!;
    expect(click.verdict).toBe('better');
    const lift = `+${(100 * click.relative!.estimate).toFixed(1)}%`;
    expect(out).toMatch(
      new RegExp(
        `  model-v2 +\\${lift} +\\[\\+[\\d.]+%, \\+[\\d.]+%\\] +\\[.*\\] +\\d+\\.\\d% .* better\\n`,
      ),
    );
    const cuped = analysis.comparisons.find((c) => c.metricId === 'revenue')!;
    expect(out).toContain(cuped.cupedVarianceRatio.toFixed(2));
    expect(out).toMatch(/Verdicts can be read\.\n$/);
  });

  it('says why there is no verdict yet, and prints JSON with --json', async () => {
    const run = await report(1);
    expect(run.stdout).toMatch(
      /No verdict yet: arm "control" has \d+ exposed visitors of the 1000 required; .*ran 2\.0 days of the 7 required\.\n$/,
    );
    expect(run.stdout).toMatch(/withheld/);
    const json = jsonOut(await report(1, '--json'));
    expect(json).toEqual(
      JSON.parse(
        JSON.stringify(analyzeExperiment({ definition, aggregates: periods[1]!, asOf: asOf[1]! })),
      ),
    );
  });

  it('refuses missing or contradictory flags, naming them', async () => {
    expect(
      oneLineError(await cli(['experiment', 'report', '--definition', definitionFile])),
    ).toMatch(/--aggregates is needed for an offline report/);
    expect(oneLineError(await cli(['experiment', 'report']))).toMatch(
      /Give either --server URL --id ID/,
    );
    const offlineError = async (aggregates: string, ...extra: string[]) =>
      oneLineError(
        await cli([
          'experiment',
          'report',
          '--definition',
          definitionFile,
          '--aggregates',
          aggregates,
          ...extra,
        ]),
      );
    expect(await offlineError(aggregatesFile, '--now', 'soon')).toMatch(
      /--now must be an ISO 8601 date/,
    );
    expect(await offlineError(join(dir, 'none.json'))).toMatch(
      /--aggregates: cannot read .*none\.json \(ENOENT\)/,
    );
    expect(oneLineError(await cli(['experiment', 'nope']))).toMatch(
      /Unknown sub-command "nope": report, plan, validate/,
    );
  });
});

describe('hearth-recs experiment report --server', () => {
  it('fetches the analysis with the deployment token', async () => {
    const ledger = createExperimentLedger({ definitions: [plainDefinition], now: () => NOW });
    const rng = createRng(4);
    for (let i = 0; i < 30; i++) ledger.ingest(plainReport(rng, plainDefinition.arms[i % 3]!.id));
    const config = testConfig();
    const manager = await createRoundManager({
      store: createMemoryStore(),
      config,
      initialModel: smallModel(),
    });
    const http = createFederatedHttpServer({ manager, config, experiments: ledger });
    const base = `http://127.0.0.1:${await http.listen(0, '127.0.0.1')}`;
    const fromServer = (token: string, id: string) =>
      cli(['experiment', 'report', '--server', base, '--token', token, '--id', id]);
    try {
      const run = await fromServer(TOKEN, 'rows-v2');
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/^rows-v2 v3: /);
      expect(run.stdout).toMatch(/control +10 +\d+\n/);
      expect(oneLineError(await fromServer('x'.repeat(20), 'rows-v2'))).toMatch(
        /answered 401: Send the deployment token/,
      );
      expect(oneLineError(await fromServer(TOKEN, 'nope'))).toMatch(
        /answered 404: No experiment "nope"/,
      );
    } finally {
      await http.close();
      await manager.close();
    }
  });
});

describe('hearth-recs experiment plan', () => {
  it('prints the sample per arm and the days planExperiment gives, one look per day', async () => {
    const args = ['experiment', 'plan', '--baseline', '0.1', '--lift', '0.2'];
    const daily = [...args, '--daily-visitors', '8000'];
    const json = jsonOut(await cli([...daily, '--json']));
    // Without --looks the plan looks once per day of the duration it finds.
    expect(json['looks']).toBe(json['days']);
    const expected = planExperiment({
      baselineMean: 0.1,
      minimumDetectableLift: 0.2,
      binomial: true,
      looks: json['looks'] as number,
      dailyExposedPerArm: 4000,
    });
    expect(json).toMatchObject({
      samplePerArm: expected.samplePerArm,
      days: expected.days,
      arms: 2,
    });
    const run = await cli(daily);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      new RegExp(`exposed visitors per arm +${expected.samplePerArm.toLocaleString('en-US')}\\n`),
    );
    expect(run.stdout).toMatch(new RegExp(`days +${expected.days}\\n`));
    expect(run.stdout).toContain(`${expected.days} looks`);
    expect(run.stdout).toContain(`plannedSamplePerArm: ${expected.samplePerArm}`);
    const fixed = jsonOut(await cli([...args, '--looks', '5', '--json']));
    expect(fixed['samplePerArm']).toBe(
      planExperiment({ baselineMean: 0.1, minimumDetectableLift: 0.2, binomial: true, looks: 5 })
        .samplePerArm,
    );
    const mean = jsonOut(
      await cli([
        'experiment',
        'plan',
        '--baseline',
        '12',
        '--sd',
        '40',
        '--lift',
        '0.1',
        '--arms',
        '3',
        '--json',
      ]),
    );
    expect(mean['samplePerArm']).toBe(
      planExperiment({
        baselineMean: 12,
        baselineVariance: 1600,
        binomial: false,
        minimumDetectableLift: 0.1,
        looks: 14,
      }).samplePerArm,
    );
  });

  it('names the flag that is out of range', async () => {
    expect(
      oneLineError(await cli(['experiment', 'plan', '--baseline', '1.5', '--lift', '0.05'])),
    ).toMatch(/--baseline must be a rate in \(0, 1\) \(or pass --sd for a mean metric\)/);
    expect(
      oneLineError(await cli(['experiment', 'plan', '--baseline', '0.1', '--lift', '0'])),
    ).toMatch(/--lift must be a positive/);
    expect(
      oneLineError(
        await cli(['experiment', 'plan', '--baseline', '0.1', '--lift', '0.1', '--arms', '1']),
      ),
    ).toMatch(/--arms must be an integer ≥ 2/);
    expect(oneLineError(await cli(['experiment', 'plan', '--lift', '0.1']))).toMatch(
      /--baseline is required/,
    );
  });
});

describe('hearth-recs experiment validate', () => {
  it('checks a definitions file as the server loads it', async () => {
    const good = write('good.json', [
      definition,
      { ...definition, id: 'dp', privacy: { epsilon: 4 } },
    ]);
    const run = await cli(['experiment', 'validate', good]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(
      /^ok rows-v2 v3: control 40%, model-v2 40%, holdout 20% \(holdout\); primary row-click, guardrails add-to-cart, revenue; from 2026-03-01T00:00:00Z to 2026-03-31T00:00:00Z\n/,
    );
    expect(run.stdout).toMatch(/ok dp v3: .*reports noised at ε = 4 \(multiplier \d+\.\d{3}\)\n$/);
    const json = jsonOut(await cli(['experiment', 'validate', '--file', good, '--json']));
    expect((json['experiments'] as unknown[]).length).toBe(2);
  });

  it('names the file and the field of an error', async () => {
    const bad = write('bad.json', {
      experiments: [
        definition,
        {
          ...definition,
          id: 'b',
          arms: [
            { id: 'a', weight: -1 },
            { id: 'c', weight: 1 },
          ],
        },
      ],
    });
    expect(oneLineError(await cli(['experiment', 'validate', bad]))).toMatch(
      /bad\.json: experiments\[1\]: Experiment definition: arms\[0\]\.weight must be a positive number/,
    );
    const twice = write('twice.json', [definition, definition]);
    expect(oneLineError(await cli(['experiment', 'validate', twice]))).toMatch(
      /twice\.json: \[1\]\.id: "rows-v2" repeats/,
    );
    const broken = write('broken.json', '{"experiments": [');
    expect(oneLineError(await cli(['experiment', 'validate', broken]))).toMatch(
      /broken\.json: not valid JSON/,
    );
  });
});
