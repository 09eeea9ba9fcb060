import { describe, expect, it } from 'vitest';
import { createDiskStore } from '../../src/server/disk-store';
import { readAcceptedTicketIds } from '../../src/server/durability/data-dir';
import {
  createSimulatedDisk,
  type SimulatedDisk,
} from '../../src/server/durability/simulated-disk';
import { createRoundManager } from '../../src/server/round-manager';
import { frameFor, smallModel, testConfig } from './server-test-helpers';

const DIR = '/data';
const config = testConfig({ minCohort: 10, maxCohort: 10 });

async function managerOn(disk: SimulatedDisk) {
  const store = await createDiskStore(DIR, { layer: disk, onNotice: () => {} });
  return createRoundManager({ store, config, initialModel: smallModel(), log: () => {} });
}

const ticketId = (ticket: string): string => ticket.slice(0, ticket.lastIndexOf('.'));

describe('a failed log write through the round manager', () => {
  it('#2 an upload whose append fails (ENOSPC after partial bytes) is refused, and a restart keeps every acknowledged one', async () => {
    const disk = createSimulatedDisk();
    const manager = await managerOn(disk);
    const model = smallModel();
    const joined = await Promise.all([0, 1, 2].map(() => manager.join({ protocol: 1 })));
    const roundId = joined[0]!.round.roundId;
    await manager.submitUpdate(roundId, frameFor(joined[0]!, model, 0));
    disk.injectFault({ op: 'write', pathIncludes: 'round-', code: 'ENOSPC', partialBytes: 30 });
    await expect(manager.submitUpdate(roundId, frameFor(joined[1]!, model, 1))).rejects.toThrow(
      /ENOSPC.*not acknowledged/,
    );
    await manager.submitUpdate(roundId, frameFor(joined[2]!, model, 2));
    expect(manager.status().acceptedTotal).toBe(2);
    // The refused device retries with its ticket, as a client does after a 5xx.
    await manager.submitUpdate(roundId, frameFor(joined[1]!, model, 1));
    await manager.close();

    const restarted = disk.restart();
    const again = await managerOn(restarted);
    expect(again.status().acceptedTotal).toBe(3);
    await again.close();
    const ids = await readAcceptedTicketIds(restarted, DIR);
    expect([...ids].sort()).toEqual(joined.map((j) => ticketId(j.ticket)).sort());
  });
});
