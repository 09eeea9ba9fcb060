/**
 * The server's privacy ledger: the cumulative (ε, δ) of every published round and the budget check
 * that decides whether another round may open. The check is made on the ε the round *about to
 * open* would bring the total to, at its smallest possible cohort (`minCohort`: fewer noise shares,
 * so the most ε), so the budget is never overshot.
 */
import type { RoundSpec } from '../../federated/federated-protocol';
import {
  createPrivacyAccountant,
  epsilonOf,
  type AccountantState,
  type PrivacyAccountant,
} from '../../federated/privacy-accountant';
import { roundNoiseMultiplier } from '../../federated/round-plan';
import type { ServerConfig } from '../server-config';

/** Cumulative privacy loss of the server's rounds. */
export interface PrivacyLedger {
  /** ε spent so far (0 before any round). */
  epsilon(): number;
  /** ε the round of `spec` would bring the total to at `minCohort` clients. */
  epsilonAfter(spec: RoundSpec): number;
  /** Whether a round of `spec` may open without exceeding the budget (always true without DP). */
  canOpen(spec: RoundSpec): boolean;
  /** Records a published round of `spec` whose sum had `cohort` noise shares. */
  record(spec: RoundSpec, cohort: number): void;
  /** ε of one round at the configured noise multiplier (status display), or null without DP. */
  perRoundEpsilon(): number | null;
  /** Restores the ledger from durable state (after a failed close). */
  reset(state: AccountantState): void;
  toJSON(): AccountantState;
}

/** Creates the ledger of a server, resuming from `state`. */
export function createPrivacyLedger(o: {
  readonly config: ServerConfig;
  readonly state: AccountantState;
}): PrivacyLedger {
  const { config } = o;
  const dp = config.noiseMultiplier > 0;
  let accountant: PrivacyAccountant = createPrivacyAccountant({
    delta: config.delta,
    state: o.state,
  });
  const mechanism = (spec: RoundSpec, cohort: number) => ({
    noiseMultiplier: roundNoiseMultiplier(spec.parts, cohort),
    samplingRate: config.samplingRate,
  });
  const ledger: PrivacyLedger = {
    epsilon: () => accountant.epsilon(),
    epsilonAfter(spec) {
      const copy = createPrivacyAccountant({ delta: config.delta, state: accountant.toJSON() });
      copy.addRounds(mechanism(spec, spec.minCohort));
      return copy.epsilon();
    },
    canOpen: (spec) => !dp || ledger.epsilonAfter(spec) <= config.epsilonBudget,
    record(spec, cohort) {
      accountant.addRounds(mechanism(spec, cohort));
    },
    perRoundEpsilon: () =>
      dp
        ? epsilonOf(
            { noiseMultiplier: config.noiseMultiplier, samplingRate: config.samplingRate },
            config.delta,
          )
        : null,
    reset(state) {
      accountant = createPrivacyAccountant({ delta: config.delta, state });
    },
    toJSON: () => accountant.toJSON(),
  };
  return ledger;
}
