import type { StoredState } from '../../src/server/federated-store';

/** A committed state at model `modelVersion` with round `roundNumber` open (accountant empty). */
export const storedState = (modelVersion: number, roundNumber: number): StoredState => ({
  modelVersion,
  roundNumber,
  roundsCompleted: modelVersion,
  privacy: { delta: 1e-5, rounds: 0, rdp: [] },
  statistics: { countSum: [], countRounds: [], statsSum: [0, 0], gram: null },
  secret: 'c2VjcmV0',
});
