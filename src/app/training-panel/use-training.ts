import { useSyncExternalStore } from 'react';
import { CancelledError } from '../../core/errors';
import type { ComputePathName } from '../../core/models/mf/mf-trainer';
import type { Recommender, RecommenderTrainProgress, TrainReport } from '../../worker';
import { messageOf } from '../runtime/hearth-runtime';

/** What the visitor asked for. */
export interface TrainSettings {
  readonly backend: ComputePathName | 'auto';
  readonly epochs: number;
  readonly factors: number;
  readonly evaluate: boolean;
}

/** A switch of compute path seen in progress reports (a fallback after a failure mid-run). */
export interface PathSwitch {
  readonly from: ComputePathName;
  readonly to: ComputePathName;
  /** First epoch reported on `to`. */
  readonly epoch: number;
}

/** Where a training run stands. */
export type TrainingPhase =
  'idle' | 'preparing' | 'training' | 'evaluating' | 'done' | 'cancelled' | 'error';

/** Everything the panel renders about the current (or last) run. */
export interface TrainingState {
  readonly phase: TrainingPhase;
  readonly settings: TrainSettings | null;
  readonly progress: RecommenderTrainProgress | null;
  /** Loss after each epoch reported by this run. */
  readonly losses: readonly number[];
  readonly switches: readonly PathSwitch[];
  readonly report: TrainReport | null;
  readonly error: string | null;
}

const IDLE: TrainingState = {
  phase: 'idle',
  settings: null,
  progress: null,
  losses: [],
  switches: [],
  report: null,
  error: null,
};

/** Pure state transition for one progress report. */
export function applyProgress(
  state: TrainingState,
  progress: RecommenderTrainProgress,
): TrainingState {
  const previous = state.progress?.computePath;
  const switches =
    previous !== undefined && previous !== progress.computePath
      ? [...state.switches, { from: previous, to: progress.computePath, epoch: progress.epoch }]
      : state.switches;
  const finished = progress.epoch >= progress.epochs && state.settings?.evaluate === true;
  return {
    ...state,
    phase: finished ? 'evaluating' : 'training',
    progress,
    losses: [...state.losses, progress.loss],
    switches,
  };
}

/** A training run with progress, cancellation and the final report; outlives the panel. */
export interface TrainingController {
  getState(): TrainingState;
  subscribe(listener: () => void): () => void;
  start(settings: TrainSettings): void;
  cancel(): void;
}

/** Whether a run is under way in `state`. */
export const isRunning = (state: TrainingState): boolean =>
  state.phase === 'preparing' || state.phase === 'training' || state.phase === 'evaluating';

/**
 * Creates a {@link TrainingController} training whatever recommender `current()` returns when a
 * run starts (the runtime replaces its recommender after an erase).
 */
export function createTrainingController(current: () => Recommender): TrainingController {
  const listeners = new Set<() => void>();
  let state: TrainingState = IDLE;
  let controller: AbortController | null = null;
  const set = (next: TrainingState): void => {
    state = next;
    for (const listener of [...listeners]) listener();
  };
  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    start(settings) {
      if (controller) return;
      const abort = new AbortController();
      controller = abort;
      set({ ...IDLE, phase: 'preparing', settings });
      current()
        .train({
          backend: settings.backend,
          mf: { epochs: settings.epochs, factors: settings.factors },
          // The page trains what a storefront would ship: tuned on the visitor's data.
          tune: true,
          evaluate: settings.evaluate,
          signal: abort.signal,
          onProgress: (progress) => {
            if (controller === abort) set(applyProgress(state, progress));
          },
        })
        .then(
          (report) => {
            if (controller === abort) set({ ...state, phase: 'done', report });
          },
          (error: unknown) => {
            if (controller !== abort) return;
            const cancelled = error instanceof CancelledError || abort.signal.aborted;
            set({
              ...state,
              phase: cancelled ? 'cancelled' : 'error',
              error: cancelled ? null : messageOf(error),
            });
          },
        )
        .finally(() => {
          if (controller === abort) controller = null;
        });
    },
    cancel() {
      controller?.abort();
    },
  };
}

const controllers = new WeakMap<object, TrainingController>();

/** The training controller of a runtime (one per runtime, so a run survives navigation). */
export function trainingControllerOf(runtime: {
  readonly recommender: Recommender;
}): TrainingController {
  let controller = controllers.get(runtime);
  if (!controller) {
    controller = createTrainingController(() => runtime.recommender);
    controllers.set(runtime, controller);
  }
  return controller;
}

/** The training state of a runtime's controller, re-rendering on every change. */
export function useTraining(runtime: { readonly recommender: Recommender }): {
  readonly state: TrainingState;
  readonly running: boolean;
  readonly start: (settings: TrainSettings) => void;
  readonly cancel: () => void;
} {
  const controller = trainingControllerOf(runtime);
  const state = useSyncExternalStore(controller.subscribe, controller.getState);
  return { state, running: isRunning(state), start: controller.start, cancel: controller.cancel };
}
