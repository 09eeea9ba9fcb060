/**
 * `hearth-server`: the federated aggregation server (bundled by scripts/build-server.mjs into
 * dist/server/hearth-server.mjs). Prints one "listening" line on stdout, logs errors on stderr,
 * never logs client addresses. SIGTERM/SIGINT close it gracefully; SIGKILL loses nothing that was
 * acknowledged.
 */
import { parseArgs } from 'node:util';
import { HearthError, OptionError } from '../core/errors';
import { createDiskStore } from './disk-store';
import { experimentLedgerFromFlags } from './experiments/experiments-flag';
import { formatRecoveryReport, recoverDataDir } from './durability/recover-data-dir';
import { createFederatedHttpServer } from './http-server';
import { createRoundManager } from './round-manager';
import { SERVER_FLAGS, USAGE, configFromFlags, initialModelFromFlags } from './server-flags';
import { DEFAULT_DEVICE_PRIVACY } from '../federated/device-privacy-floor';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: SERVER_FLAGS, strict: true, allowPositionals: false });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values['data-dir']) throw new OptionError('--data-dir is required.');
  if (values.recover) {
    const report = await recoverDataDir({ dir: values['data-dir'] });
    process.stdout.write(`${formatRecoveryReport(report)}\n`);
    return;
  }
  const config = configFromFlags(values, process.env);
  // Checked before the store starts, so a bad definitions file changes nothing on disk.
  const experiments = await experimentLedgerFromFlags({
    file: values.experiments,
    retention: values['experiment-retention'],
    dataDir: values['data-dir'],
  });
  const store = await createDiskStore(values['data-dir']);
  const model = await initialModelFromFlags(values);
  const manager = await createRoundManager({
    store,
    config,
    ...(model ? { initialModel: model } : {}),
  });
  const http = createFederatedHttpServer({
    manager,
    config,
    ...(experiments ? { experiments } : {}),
  });
  const host = values.host ?? '127.0.0.1';
  const requested = Number(values.port ?? 8787);
  if (!Number.isInteger(requested) || requested < 0 || requested > 65535) {
    throw new OptionError(`--port must be an integer in [0, 65535] (got "${values.port}").`);
  }
  const port = await http.listen(requested, host);
  const status = manager.status();
  process.stdout.write(
    `hearth-server listening on http://${host}:${port} (model v${status.modelVersion}, round ${status.round?.roundId ?? '-'})\n`,
  );
  const floor = DEFAULT_DEVICE_PRIVACY.minNoiseMultiplier;
  if (config.noiseMultiplier < floor) {
    // Devices check every round against their own privacy floor and turn these down.
    process.stderr.write(
      `hearth-server: warning: --noise-multiplier ${config.noiseMultiplier} is below the ${floor} that Hearth devices require by default, so they will refuse every round; pass --noise-multiplier ${floor} or more for DP rounds (docs/privacy.md, "The device checks the server").\n`,
    );
  }
  const stop = (): void => {
    http
      .close()
      .then(() => manager.close())
      .then(() => experiments?.close())
      .then(
        () => process.exit(0),
        () => process.exit(1),
      );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((error: unknown) => {
  const message =
    error instanceof HearthError
      ? `${error.message} [${error.code}]`
      : error instanceof Error
        ? error.message
        : String(error);
  process.stderr.write(
    `hearth-server: ${message}\n${error instanceof OptionError ? `\n${USAGE}\n` : ''}`,
  );
  process.exit(1);
});
