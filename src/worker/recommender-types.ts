import type { ComputeCapabilities } from '../core/compute/capabilities';
import type { ComputeChoiceReport } from '../core/compute/choose-compute-path';
import type { SerializedHearthError } from '../core/errors';
import type { DevicePrivacyPolicy } from '../federated/device-privacy-floor';
import type { EpsilonLedgerSummary } from '../federated/epsilon-ledger';
import type { ImportReport, CatalogParseOptions } from '../core/data/parse';
import type { Interaction, Item } from '../core/data/types';
import type { MetricValues } from '../core/eval/evaluate';
import type { TuningChoice } from '../core/tune/tune-types';
import type { ExperimentDefinition } from '../core/experiments/experiment-types';
import type { ComputePathName, MfTrainOptions, TrainProgress } from '../core/models/mf/mf-trainer';
import type { TfjsWasmPaths } from '../core/models/mf/tfjs/tfjs-backends';
import type { RowRequest, RowResult } from '../core/serve/row-types';
import type { InteractionImportOptions } from '../storage/import-options';
import type { RetentionPolicy, StorageReport } from '../storage/store-types';

/** Load-time configuration of a browser {@link Recommender}. */
export interface RecommenderConfig {
  /** IndexedDB database name (default `hearth`). */
  readonly dbName?: string;
  /** URL of a model file (`hearth-recs train` output) used until a local model exists. */
  readonly modelUrl?: string;
  /** URL of the catalog JSON/JSONL matching the model. */
  readonly catalogUrl?: string;
  /** User id of this device's visitor in stored interactions (default `local`). */
  readonly visitorId?: string;
  /** Compute path for training: `auto` (default) measures and picks. */
  readonly backend?: ComputePathName | 'auto';
  /**
   * Where the TF.js WASM binaries are: a URL prefix ending in `/`, or the URL of each binary.
   * Default in Hearth's worker: the binaries shipped next to it (see `worker-assets.ts`).
   */
  readonly wasmPaths?: TfjsWasmPaths;
  readonly retention?: RetentionPolicy;
  /** Fine-tune in the background when idle after this many new events (default 20; 0 = off). */
  readonly fineTuneAfterEvents?: number;
  /**
   * Most workers a training run may use: Hearth's worker plus helper workers, which start only
   * where the page is cross-origin isolated (default: one per core, at most 8; 1 = Hearth's
   * worker alone). Checked on the first training (`OptionError`).
   */
  readonly trainingWorkers?: number;
  /** Most recent visitor events kept in the live profile that for-you rows fold in (default 500). */
  readonly historyLimit?: number;
  /**
   * Federated learning (opt-in): where to contribute and fetch the global model. Without it the
   * runtime never contacts any server. Even with it, nothing is sent until the visitor consents
   * ({@link Recommender.setFederatedConsent}).
   */
  readonly federated?: FederatedConfig;
  /**
   * A/B experiments this device takes part in (see `docs/experiments.md`). Without it the
   * experiment code is never loaded. Reports need the same consent as federated learning.
   */
  readonly experiments?: ExperimentsConfig;
}

/** Load-time configuration of experiments on the device. */
export interface ExperimentsConfig {
  /**
   * Where the experiments document (`GET /v1/experiments`) is fetched from; default
   * `<federated.serverUrl>/v1/experiments` when `federated` is set. Ignored when `definitions`
   * is given.
   */
  readonly url?: string;
  /** The definitions to run, given inline instead of fetched from `url`. */
  readonly definitions?: readonly ExperimentDefinition[];
  /** Origin reports are posted to (`POST <reportUrl>/v1/experiments/reports`); default `federated.serverUrl`. */
  readonly reportUrl?: string;
  /** Outcomes count up to this long after the latest exposure (ms; default 7 days). */
  readonly attributionWindowMs?: number;
  /**
   * What the page knows about the visitor for audience targeting (a definition's `audience`),
   * e.g. `{ country: 'FR', loggedIn: true }`: strings, finite numbers or booleans. Read on the
   * device only; never sent.
   */
  readonly attributes?: Readonly<Record<string, string | number | boolean>>;
}

/** The experiment arm a row was served under ({@link RecommendedRow.experiment}). */
export interface RowExperiment {
  readonly experimentId: string;
  readonly armId: string;
  /** True for a holdout arm: the row has no items, but its place still counts as an exposure. */
  readonly holdout: boolean;
}

/** A row as {@link Recommender.recommend} returns it: with the arm it was served under, if any. */
export type RecommendedRow = RowResult & { readonly experiment?: RowExperiment };

/** What {@link Recommender.recordExposure} records: a row of this arm was actually seen. */
export interface ExperimentExposure {
  readonly experimentId: string;
  readonly armId: string;
}

/**
 * Where this device stands in one experiment: `assigned` (in an arm), `not-enrolled` (outside
 * the experiment's coverage), `not-started` (before its start), `ended` (after its stop; the
 * final report may still be pending), `refused` (the device cannot run the definition: see
 * `message`).
 */
export type DeviceExperimentState =
  'assigned' | 'not-enrolled' | 'not-started' | 'ended' | 'refused';

/** A report this device sent, exactly as it went over the wire. */
export interface SentExperimentReport {
  /** The reporting period it closed (UTC day `YYYY-MM-DD`). */
  readonly period: string;
  /** When the server acknowledged it (ms since epoch). */
  readonly sentAt: number;
  /** The request body, byte for byte. */
  readonly json: string;
  /** Its length in bytes (UTF-8). */
  readonly bytes: number;
}

/** One experiment as this device runs it, for a privacy page. */
export interface DeviceExperimentStatus {
  readonly experimentId: string;
  readonly version: number;
  readonly state: DeviceExperimentState;
  /** The arm (state `assigned`, or `ended` after having been assigned); else null. */
  readonly armId: string | null;
  readonly holdout: boolean;
  /** Why the definition was refused, or what `not-started` / `ended` mean here. */
  readonly message?: string;
  /** Whether a row of the arm was seen (outcomes count only after that). */
  readonly exposed: boolean;
  /** First and latest exposure (ms since epoch), null before any. */
  readonly firstExposureAt: number | null;
  readonly lastExposureAt: number | null;
  /** The reporting period now (UTC day). */
  readonly period: string;
  /** Metric values cumulated since the first exposure (uncapped), by metric id. */
  readonly values: Readonly<Record<string, number>>;
  /** What changed since the last report: what the next report will add, before capping. */
  readonly periodValues: Readonly<Record<string, number>>;
  /** CUPED pre-period values (the 14 days of history before assignment), by metric id. */
  readonly preValues: Readonly<Record<string, number>>;
  /** The last report the server acknowledged for this experiment, or null. */
  readonly lastReport: SentExperimentReport | null;
  /** Reports of this experiment waiting in the offline queue (no consent yet, offline, retrying). */
  readonly pendingReports: number;
  /** When the current period closes and its report is due (ms since epoch), or null when none will be. */
  readonly nextReportAt: number | null;
}

/** The experiments of a {@link Recommender}, for a privacy page. */
export interface ExperimentsStatus {
  /** Whether `RecommenderConfig.experiments` is set. */
  readonly configured: boolean;
  /** Whether reports may be sent (the federated-learning consent). */
  readonly consent: boolean;
  readonly experiments: readonly DeviceExperimentStatus[];
  /** Reports waiting in the offline queue, every experiment together. */
  readonly pendingReports: number;
  /** The last report sent by this device, any experiment, or null. */
  readonly lastReport: (SentExperimentReport & { readonly experimentId: string }) | null;
  /** Why the definitions could not be fetched (the cached ones run meanwhile), if they could not. */
  readonly problem?: string;
}

/** Load-time configuration of federated learning (see `docs/privacy.md`). */
export interface FederatedConfig {
  /** Origin of the aggregation server (`npm run server`); `''` means the page's own origin. */
  readonly serverUrl: string;
  /** Deployment token (identifies the site, never the visitor). */
  readonly token: string;
  /** Contribute automatically after each local training or fine-tune (default true). */
  readonly participateAfterTraining?: boolean;
  /** While consented, check for a newer global model this often (ms; default 600000; 0 = only at start and after contributing). */
  readonly refreshIntervalMs?: number;
  /**
   * The device's privacy floor, stricter than the defaults only (noise multiplier ≥ 0.6, ε ≤ 8 per
   * round and ≤ 16 in total at δ = 10⁻⁵): every round the server opens is checked against it and
   * recorded in the device's own ε ledger. A value that would loosen it is a configuration error.
   */
  readonly privacy?: Partial<DevicePrivacyPolicy>;
}

/**
 * What the last federated contribution attempt did: `contributed` (the server acknowledged it),
 * `queued` (not sent yet, retried later or once online), `no-consent` / `empty` (nothing sent:
 * no opt-in, no history), `refused` (this device refused the round: it broke the device's privacy
 * floor or budget; nothing was sent), `failed` (the server refused, or its model does not fit this
 * site's).
 */
export interface FederatedAttempt {
  readonly status: 'contributed' | 'queued' | 'no-consent' | 'empty' | 'refused' | 'failed';
  /** When it ended (ms since epoch). */
  readonly at: number;
  /** Why it was queued or failed (a user-readable sentence). */
  readonly message?: string;
}

/** Federated-learning state of a {@link Recommender}, for a privacy panel. */
export interface FederatedStatus {
  /** Whether a server is configured (`RecommenderConfig.federated`). */
  readonly configured: boolean;
  /** The visitor's persisted opt-in; `changedAt` is null when never asked. */
  readonly consent: { readonly granted: boolean; readonly changedAt: number | null };
  /** Requests sent to the aggregation server by this device (this page session). */
  readonly requests: number;
  /** Request body bytes sent to the aggregation server (this page session). */
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Contributions the server acknowledged (this page session). */
  readonly updatesSent: number;
  /** Contributions waiting in the persistent offline queue. */
  readonly pendingUploads: number;
  /**
   * Version of the global model last received from the server (this page session), else of the
   * last one applied on this device; null when none yet.
   */
  readonly globalModelVersion: number | null;
  readonly lastAttempt: FederatedAttempt | null;
  /** The device's own ε ledger: spent, budget, rounds contributed, refused rounds and why. */
  readonly privacy: EpsilonLedgerSummary;
}

/** One visitor event passed to {@link Recommender.track}; the visitor id and time are filled in. */
export type TrackEvent = Omit<Interaction, 'timestamp' | 'userId'> & {
  readonly timestamp?: number;
  /** `'row'`: a click on a recommendation card (the experiments' `row-click` metric). */
  readonly via?: 'row';
  /** Amount of a purchase (the `revenue` metric); default the catalog price × quantity. */
  readonly revenue?: number;
};

/** Training progress with the compute path running the epoch (it changes after a fallback). */
export type RecommenderTrainProgress = TrainProgress & { readonly computePath: ComputePathName };

/** Proof returned by {@link Recommender.eraseAll}: what still exists after erasing (expect none). */
export interface EraseReport {
  readonly remainingDatabases: readonly string[];
  readonly remainingCaches: readonly string[];
}

/** Per-call options of {@link Recommender.train}. */
export interface TrainRequest {
  readonly backend?: ComputePathName | 'auto';
  readonly mf?: Partial<
    Omit<MfTrainOptions, 'signal' | 'onProgress' | 'onCheckpoint' | 'resumeFrom'>
  >;
  /** Also evaluate (protocol random, seed from mf.seed) and report metrics vs popularity. */
  readonly evaluate?: boolean;
  /**
   * Choose the model family, MF settings and confidence transform on a validation split of the
   * stored interactions first (default true; `false` trains MF with the fixed defaults). Settings
   * given in `mf` stay fixed; `factors` is always fixed so checkpoints keep their shape.
   */
  readonly tune?: boolean;
  /** Tuning time budget in ms (default `DEFAULT_TUNE_BUDGET_MS`). */
  readonly tuneBudgetMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: RecommenderTrainProgress) => void;
}

/** Outcome of a training run. */
export interface TrainReport {
  readonly computePath: ComputePathName;
  readonly choice: ComputeChoiceReport | null;
  /** Compute paths abandoned mid-run (device lost, kernel failure) with the error, in order. */
  readonly fallbacks: readonly {
    readonly from: ComputePathName;
    readonly error: SerializedHearthError;
  }[];
  /** Epoch the run resumed from (0 = fresh): a stored checkpoint of the same run, e.g. after a reload. */
  readonly resumedFromEpoch: number;
  /** Epochs in the model, including those done before a resume (`lossHistory.length`). */
  readonly epochs: number;
  readonly trainMs: number;
  /**
   * Workers that trained the final model on the typed path: 1, or more where the page is
   * cross-origin isolated and the log large enough for helper workers (absent on TF.js paths).
   */
  readonly workers?: number;
  readonly lossHistory: readonly number[];
  /** Version of the stored model this run produced (what `model-changed` reports). */
  readonly modelVersion: number;
  readonly metrics?: { readonly model: MetricValues; readonly popularity: MetricValues };
  /**
   * Evaluation was requested but the data cannot be evaluated (e.g. no shopper with 5 different
   * items): why, as a sentence. The model was still trained and is serving; only its quality is
   * unmeasured.
   */
  readonly evaluationSkipped?: string;
  /** What tuning chose, with the validation score of each family (tuned runs only). */
  readonly tuning?: TuningChoice;
}

/** Events a {@link Recommender} emits. */
export type RecommenderEvent =
  | {
      readonly type: 'model-changed';
      readonly version: number;
      readonly source: 'trained' | 'other-tab' | 'loaded' | 'fine-tuned' | 'federated';
    }
  /** `events`: visitor events in the live profile now (at most `historyLimit`). */
  | { readonly type: 'history-changed'; readonly events: number }
  | { readonly type: 'training-progress'; readonly progress: RecommenderTrainProgress }
  | { readonly type: 'storage'; readonly message: string }
  /** The federated status changed (consent, traffic, queue, global model). */
  | { readonly type: 'federated'; readonly status: FederatedStatus }
  /** An experiment assignment was made, or a definition was refused (`message` says why). */
  | {
      readonly type: 'experiment';
      readonly experimentId: string;
      readonly version: number;
      readonly state: DeviceExperimentState;
      readonly armId: string | null;
      readonly message?: string;
    };

/**
 * The browser runtime: data on the device (IndexedDB), training on the best compute path, rows
 * that follow every click. Implemented in-thread (`createLocalRecommender`) and over a Web Worker
 * (`createWorkerRecommender`) with identical behaviour.
 */
export interface Recommender {
  /** Resolves when storage is open and a model (stored, or from `modelUrl`) is loaded if any. */
  ready(): Promise<void>;
  /** One row; under an experiment arm it carries `experiment` (and a holdout's has no items). */
  recommend(request: RowRequest): Promise<RecommendedRow>;
  /** Stores the event durably, folds it into the visitor's vector and emits `history-changed`. */
  track(event: TrackEvent): Promise<void>;
  /**
   * Imports an interaction log. A `File`/`Blob` is read, parsed and stored in slices with
   * `onProgress`; a log too large to store and train on here is refused with `DataError`
   * `LOG_TOO_LARGE` before anything is written, and a failed or cancelled import keeps nothing of
   * itself (the data stored before is untouched).
   */
  importInteractions(
    input: Blob | string,
    options?: InteractionImportOptions,
  ): Promise<ImportReport>;
  importCatalog(input: Blob | string, options?: CatalogParseOptions): Promise<ImportReport>;
  train(request?: TrainRequest): Promise<TrainReport>;
  /** Loads a model file (bytes) and makes it current (hot swap). */
  loadModel(bytes: Uint8Array): Promise<number>;
  capabilities(): Promise<ComputeCapabilities>;
  storage(): Promise<StorageReport>;
  exportAll(): Promise<Blob>;
  /** Deletes everything stored and forgets the model and profile; resolves with proof. */
  eraseAll(): Promise<EraseReport>;
  /** Federated-learning state (consent, bytes sent, queue, global model version). */
  federatedStatus(): Promise<FederatedStatus>;
  /**
   * Records the visitor's opt-in (true) or opt-out (false). Opting out also drops queued
   * contributions. Throws an `OptionError` when no server is configured and `granted` is true.
   */
  setFederatedConsent(granted: boolean): Promise<FederatedStatus>;
  /**
   * Contributes now (consent required; otherwise sends nothing and reports `no-consent`), then
   * fetches the global model if it changed and hot-swaps it, keeping the visitor's profile.
   * Resolves with the status (see `lastAttempt`); throws an `OptionError` when no server is
   * configured.
   */
  participate(): Promise<FederatedStatus>;
  /**
   * Records that a row of this arm was seen (the first card impression; for a holdout, the place
   * the row would occupy became visible). Outcomes count only after the first exposure.
   */
  recordExposure(exposure: ExperimentExposure): Promise<void>;
  /** The experiments on this device: arm, exposure, values, reports sent and queued. */
  experiments(): Promise<ExperimentsStatus>;
  on(listener: (event: RecommenderEvent) => void): () => void;
  dispose(): void;
}

export type { Item };
