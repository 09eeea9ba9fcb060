/**
 * The device's own ε ledger: every contribution is recorded with the round's noise multiplier as
 * the device computed it from the spec ({@link checkRoundPrivacy}), not as the server announced it,
 * and composed with the repo's accountant at the device's δ. The device refuses a round that would
 * take the total past its budget. Kept in the device's meta store (erased with everything else);
 * refused rounds are kept too, with their reason, for the privacy page. Browser-safe.
 */
import type { RoundSpec } from './federated-protocol';
import type { MetaStore } from './consent-store';
import type { ServerStatus } from './federated-protocol';
import {
  checkAnnouncedRound,
  checkRoundPrivacy,
  RoundRefusedError,
  type DevicePrivacyPolicy,
  type RoundCost,
  type RoundRefusal,
} from './device-privacy-floor';
import { createPrivacyAccountant } from './privacy-accountant';

/** Metadata key of the ledger. */
export const EPSILON_LEDGER_META_KEY = 'federated.epsilon-ledger';

/** Refused rounds kept for the privacy page (the newest). */
export const REFUSED_ROUNDS_KEPT = 10;

/** A round this device refused, and why. */
export interface RefusedRound {
  readonly roundId: string;
  readonly reason: RoundRefusal;
  /** User-readable sentence. */
  readonly message: string;
  /** When (ms since epoch). */
  readonly at: number;
}

/** Persisted form of the ledger. */
export interface EpsilonLedgerState {
  readonly version: 1;
  /** Contributions grouped by noise multiplier (each one unsampled Gaussian release). */
  readonly spent: readonly { readonly noiseMultiplier: number; readonly rounds: number }[];
  /** Oldest first, at most {@link REFUSED_ROUNDS_KEPT}. */
  readonly refused: readonly RefusedRound[];
}

/** What the privacy page shows. */
export interface EpsilonLedgerSummary {
  /** ε spent by this device's contributions so far, at `delta` (Infinity if the ledger is unreadable). */
  readonly epsilonSpent: number;
  /** The device's total budget (`maxEpsilonTotal`). */
  readonly epsilonBudget: number;
  readonly delta: number;
  /** Contributions recorded. */
  readonly roundsContributed: number;
  /** Recently refused rounds, newest last. */
  readonly refused: readonly RefusedRound[];
  /** The floor the device applies. */
  readonly policy: DevicePrivacyPolicy;
}

/** The summary of a ledger with nothing recorded yet (e.g. right after an erase). */
export function emptyLedgerSummary(policy: DevicePrivacyPolicy): EpsilonLedgerSummary {
  return {
    epsilonSpent: 0,
    epsilonBudget: policy.maxEpsilonTotal,
    delta: policy.delta,
    roundsContributed: 0,
    refused: [],
    policy,
  };
}

/** The ledger of one device. */
export interface EpsilonLedger {
  /**
   * Before joining: refuses (recorded, thrown) the open round when the server's status already
   * shows the device would refuse it (see `checkAnnouncedRound`), so it takes no seat.
   */
  beforeJoin(status: ServerStatus): Promise<void>;
  /**
   * Checks `spec` against the floor and the remaining budget and returns its cost; a refusal is
   * recorded and thrown as {@link RoundRefusedError}.
   */
  admit(spec: RoundSpec): Promise<RoundCost>;
  /** Records a contribution (call before the upload leaves: a sent update has spent its ε). */
  spend(cost: RoundCost): Promise<void>;
  summary(): Promise<EpsilonLedgerSummary>;
}

const EMPTY: EpsilonLedgerState = { version: 1, spent: [], refused: [] };

/** The stored state, or null when it is not a ledger (then nothing more may be spent). */
function parseState(value: unknown): EpsilonLedgerState | null {
  if (value === undefined) return EMPTY;
  if (typeof value !== 'object' || value === null) return null;
  const o = value as Partial<EpsilonLedgerState>;
  if (o.version !== 1 || !Array.isArray(o.spent) || !Array.isArray(o.refused)) return null;
  const valid = o.spent.every(
    (s) =>
      typeof s === 'object' &&
      s !== null &&
      typeof s.noiseMultiplier === 'number' &&
      s.noiseMultiplier > 0 &&
      Number.isInteger(s.rounds) &&
      s.rounds > 0,
  );
  return valid ? (o as EpsilonLedgerState) : null;
}

function composedEpsilon(
  spent: EpsilonLedgerState['spent'],
  delta: number,
  next?: RoundCost,
): number {
  const accountant = createPrivacyAccountant({ delta });
  for (const s of spent) accountant.addRounds(s);
  if (next) accountant.addRounds({ noiseMultiplier: next.noiseMultiplier });
  return accountant.epsilon();
}

/** Creates the ledger over `store` with the device's `policy` (see `resolveDevicePrivacy`). */
export function createEpsilonLedger(o: {
  readonly store: MetaStore;
  readonly policy: DevicePrivacyPolicy;
  readonly now?: () => number;
}): EpsilonLedger {
  const { store, policy } = o;
  const now = o.now ?? Date.now;
  // Read-modify-write of one key: serialize so two tabs' worth of calls in one session never interleave.
  let chain: Promise<unknown> = Promise.resolve();
  const serial = <T>(task: () => Promise<T>): Promise<T> => {
    const run = chain.then(task, task);
    chain = run.catch(() => undefined);
    return run;
  };
  const read = async (): Promise<EpsilonLedgerState | null> =>
    parseState(await store.getMeta<unknown>(EPSILON_LEDGER_META_KEY));
  const write = (state: EpsilonLedgerState): Promise<void> =>
    store.setMeta(EPSILON_LEDGER_META_KEY, state);

  const recordRefusal = async (
    state: EpsilonLedgerState | null,
    error: RoundRefusedError,
  ): Promise<void> => {
    const base = state ?? EMPTY;
    const entry: RefusedRound = {
      roundId: error.roundId,
      reason: error.reason,
      message: error.message,
      at: now(),
    };
    // An unreadable ledger stays unreadable: overwriting it would reset the spent ε to zero.
    if (state === null) return;
    // The same round refused again for the same reason (a retry) updates its line.
    const last = base.refused.at(-1);
    const kept =
      last?.roundId === entry.roundId && last.reason === entry.reason
        ? base.refused.slice(0, -1)
        : base.refused;
    await write({ ...base, refused: [...kept, entry].slice(-REFUSED_ROUNDS_KEPT) });
  };

  /**
   * The state, when `cost` keeps the total within the budget; throws `epsilon-budget` otherwise
   * (also when the ledger is unreadable, so what was spent is unknown).
   */
  const withinBudget = (state: EpsilonLedgerState | null, cost: RoundCost): EpsilonLedgerState => {
    const total = state ? composedEpsilon(state.spent, policy.delta, cost) : Infinity;
    if (state && total <= policy.maxEpsilonTotal) return state;
    throw new RoundRefusedError(
      'epsilon-budget',
      cost.roundId,
      state
        ? `Round ${cost.roundId} refused: with it this device would have spent ε = ${total.toFixed(2)} (δ = ${policy.delta}), over its budget of ${policy.maxEpsilonTotal}.`
        : `Round ${cost.roundId} refused: this device's privacy ledger is unreadable, so it cannot tell what it has spent; erase this site's data to start a new one.`,
    );
  };

  /** Runs `check`; a refusal it throws is recorded before it propagates. */
  const refusing = async <T>(state: EpsilonLedgerState | null, check: () => T): Promise<T> => {
    try {
      return check();
    } catch (error) {
      if (error instanceof RoundRefusedError) await recordRefusal(state, error);
      throw error;
    }
  };

  return {
    beforeJoin: (status) =>
      serial(async () => {
        const round = status.round;
        if (!round) return;
        const state = await read();
        await refusing(state, () =>
          checkAnnouncedRound(round, status.privacy.noiseMultiplier, policy),
        );
      }),

    admit: (spec) =>
      serial(async () => {
        const state = await read();
        return refusing(state, () => {
          const cost = checkRoundPrivacy(spec, policy);
          withinBudget(state, cost);
          return cost;
        });
      }),

    spend: (cost) =>
      serial(async () => {
        // Checked again at send time: another tab of this site may have spent since the admission.
        const before = await read();
        const state = await refusing(before, () => withinBudget(before, cost));
        const spent = [...state.spent];
        const j = spent.findIndex((s) => s.noiseMultiplier === cost.noiseMultiplier);
        if (j >= 0) spent[j] = { ...spent[j]!, rounds: spent[j]!.rounds + 1 };
        else spent.push({ noiseMultiplier: cost.noiseMultiplier, rounds: 1 });
        await write({ ...state, spent });
      }),

    summary: () =>
      serial(async () => {
        const state = await read();
        return {
          ...emptyLedgerSummary(policy),
          epsilonSpent: state ? composedEpsilon(state.spent, policy.delta) : Infinity,
          roundsContributed: state ? state.spent.reduce((n, s) => n + s.rounds, 0) : 0,
          refused: state?.refused ?? [],
        };
      }),
  };
}
