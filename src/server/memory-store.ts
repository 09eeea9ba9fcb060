/**
 * In-memory {@link FederatedStore} for tests and ephemeral demos: same contract as the disk store
 * within one process, nothing survives it.
 */
import { OptionError } from '../core/errors';
import type { FederatedStore, RoundRecord, StoredState } from './federated-store';

/** An in-memory {@link FederatedStore} (tests, ephemeral demos): nothing survives the process. */
export function createMemoryStore(): FederatedStore {
  let committed: { state: StoredState; model: Uint8Array } | null = null;
  let records: RoundRecord[] = [];
  return {
    load: async () => (committed ? { ...committed, records: [...records] } : null),
    async append(roundNumber, record) {
      if (!committed || committed.state.roundNumber !== roundNumber) {
        throw new OptionError(`Round ${roundNumber} is not the store's open round.`);
      }
      records.push(record);
    },
    async commit(state, model) {
      committed = { state, model };
      records = [];
    },
    close: async () => {},
  };
}
