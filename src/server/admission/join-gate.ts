/**
 * Join admission, server side: what a join costs before the round manager hands out a ticket or
 * registers a secure round's keys. Three checks, cheapest first:
 *
 * 1. a signed, short-lived, single-use challenge bound to the open round
 *    (`GET /v1/rounds/join/challenge`), solved with a proof of work bound to the join's keys
 *    ({@link joinProofSeed}); checking it is one hash;
 * 2. a per-round budget per client address (IPv6: per /56), so one address is never more than
 *    `joinsPerAddress` seats of a cohort;
 * 3. a per-round issuance budget (`joinIssuanceFactor × maxCohort`), which also bounds the memory
 *    this gate keeps per round.
 *
 * State is per round and in memory only (the challenge secret too: a restart just makes devices
 * fetch a new challenge); addresses are never logged or stored.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { UpdateRejectedError } from '../../federated/federated-protocol';
import {
  CHALLENGE_PATH,
  ADMISSION_HEADER,
  joinProofBits,
  joinProofSeed,
  parseAdmissionHeader,
  type JoinChallenge,
  type JoinKeys,
} from '../../federated/join-admission';
import type { ServerConfig } from '../server-config';
import { clientKey } from './client-address';

/** How long a challenge stays valid: enough for a slow phone to solve it. */
export const CHALLENGE_TTL_MS = 120_000;

/** A granted admission; `refund` gives the seat back when the round manager refuses the join. */
export interface Admission {
  refund(): void;
}

/** Counters of {@link JoinGate}. */
export interface JoinGateStats {
  readonly challengesIssued: number;
  readonly admitted: number;
  /** Joins refused by the gate, by cause. */
  readonly refused: {
    readonly noProof: number;
    readonly badProof: number;
    readonly replayed: number;
    readonly addressBudget: number;
    readonly roundBudget: number;
  };
}

/** The admission checks in front of `POST /v1/rounds/join`. */
export interface JoinGate {
  /** A fresh challenge for the open round. */
  challenge(): JoinChallenge;
  /** Admits a join or throws {@link UpdateRejectedError} saying what to do. */
  admit(o: {
    readonly address: string;
    readonly header: string | string[] | undefined;
    readonly keys: JoinKeys;
  }): Admission;
  stats(): JoinGateStats;
}

const reject = (
  reason: 'bad-ticket' | 'replay' | 'round-closed' | 'round-full' | 'wrong-phase',
  message: string,
) => new UpdateRejectedError(reason, message);

/** The open round as the gate needs it. */
export interface GateRound {
  readonly roundId: string;
  /** Whether the round takes members now (plain: collecting; secure: joining). */
  readonly joinable: boolean;
}

/** Creates the gate; `currentRound` describes the open round (null while none is). */
export function createJoinGate(o: {
  readonly config: Pick<
    ServerConfig,
    'joinDifficulty' | 'joinsPerAddress' | 'joinIssuanceFactor' | 'maxCohort'
  >;
  readonly currentRound: () => GateRound | null;
  readonly now?: () => number;
}): JoinGate {
  const { config } = o;
  const now = o.now ?? Date.now;
  const secret = randomBytes(32);
  const roundCap =
    config.joinIssuanceFactor === 0 ? Infinity : config.joinIssuanceFactor * config.maxCohort;
  let roundId: string | null = null;
  let issued = 0;
  let used = new Set<string>();
  let perAddress = new Map<string, number>();
  const counts = { challengesIssued: 0, admitted: 0 };
  const refused = { noProof: 0, badProof: 0, replayed: 0, addressBudget: 0, roundBudget: 0 };

  const mac = (body: string): string =>
    createHmac('sha256', secret).update(body).digest('base64url').slice(0, 22);

  /** The open round, resetting the per-round budgets when it changed. */
  const openRound = (): GateRound => {
    const current = o.currentRound();
    if (current === null) {
      throw reject('round-closed', 'No round is open right now; retry in a few seconds.');
    }
    if (current.roundId !== roundId) {
      roundId = current.roundId;
      issued = 0;
      used = new Set();
      perAddress = new Map();
    }
    return current;
  };

  /** Checks a challenge's signature and freshness; returns its round and difficulty. */
  const verify = (challenge: string): { round: string; difficulty: number } => {
    const parts = challenge.split('.');
    const [version, round, expires, difficulty, nonce, tag] = parts;
    const body = parts.slice(0, 5).join('.');
    const expected = Buffer.from(mac(body));
    const given = Buffer.from(tag ?? '');
    if (
      parts.length !== 6 ||
      version !== 'c1' ||
      !nonce ||
      given.length !== expected.length ||
      !timingSafeEqual(given, expected)
    ) {
      refused.badProof++;
      throw reject(
        'bad-ticket',
        `The join challenge was not issued by this server (or it restarted); fetch a new one from ${CHALLENGE_PATH}.`,
      );
    }
    if (parseInt(expires!, 36) < now()) {
      refused.badProof++;
      throw reject(
        'bad-ticket',
        `The join challenge expired; fetch a new one from ${CHALLENGE_PATH}.`,
      );
    }
    return { round: round!, difficulty: Number(difficulty) };
  };

  return {
    challenge() {
      const open = openRound();
      // No work for a device that could not join anyway.
      if (!open.joinable) {
        throw reject(
          'wrong-phase',
          `Round ${open.roundId} is not taking members now; retry after it closes.`,
        );
      }
      const round = open.roundId;
      const expiresAt = now() + CHALLENGE_TTL_MS;
      const body = [
        'c1',
        round,
        expiresAt.toString(36),
        String(config.joinDifficulty),
        randomBytes(12).toString('base64url'),
      ].join('.');
      counts.challengesIssued++;
      return {
        challenge: `${body}.${mac(body)}`,
        difficulty: config.joinDifficulty,
        expiresAt: new Date(expiresAt).toISOString(),
      };
    },

    admit({ address, header, keys }) {
      const round = openRound().roundId;
      const proof = parseAdmissionHeader(Array.isArray(header) ? header[0] : header);
      if (!proof) {
        refused.noProof++;
        throw reject(
          'bad-ticket',
          `A join needs admission: fetch ${CHALLENGE_PATH}, solve it and send "${ADMISSION_HEADER}: <challenge>~<counter>" (the hearth-recs client does this).`,
        );
      }
      const challenge = verify(proof.challenge);
      if (challenge.round !== round) {
        throw reject(
          'round-closed',
          `The join challenge was for round ${challenge.round}; round ${round} is open now: fetch a new challenge.`,
        );
      }
      if (
        joinProofBits(joinProofSeed(proof.challenge, keys), proof.counter) < challenge.difficulty
      ) {
        refused.badProof++;
        throw reject(
          'bad-ticket',
          `The proof of work does not meet the challenge's ${challenge.difficulty} bits (or was solved for other keys).`,
        );
      }
      if (used.has(proof.challenge)) {
        refused.replayed++;
        throw reject('replay', `This join challenge was used already; fetch a new one.`);
      }
      const key = clientKey(address);
      const mine = perAddress.get(key) ?? 0;
      if (config.joinsPerAddress > 0 && mine >= config.joinsPerAddress) {
        refused.addressBudget++;
        throw new UpdateRejectedError(
          'rate-limited',
          `This address already holds ${mine} seats of round ${round} (the most per address); join the next round.`,
        );
      }
      if (issued >= roundCap) {
        refused.roundBudget++;
        throw reject(
          'round-full',
          `Round ${round} issued all its join tickets; join the next round.`,
        );
      }
      used.add(proof.challenge);
      perAddress.set(key, mine + 1);
      issued++;
      counts.admitted++;
      let refunded = false;
      return {
        refund() {
          // The challenge stays spent: a refused join was still paid for with a fresh proof.
          if (refunded || roundId !== round) return;
          refunded = true;
          perAddress.set(key, (perAddress.get(key) ?? 1) - 1);
          issued--;
          counts.admitted--;
        },
      };
    },

    stats: () => ({ ...counts, refused: { ...refused } }),
  };
}
