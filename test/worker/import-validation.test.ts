import { afterEach, describe, expect, it } from 'vitest';
import { DataError } from '../../src/core/errors';
import type { Recommender } from '../../src/worker/recommender-types';
import { connectLocalWorker } from './local-worker-pair';

const cleanups: (() => void)[] = [];
let dbCounter = 0;

afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

const connect = (): Recommender =>
  connectLocalWorker({ dbName: `import-${++dbCounter}`, fineTuneAfterEvents: 0 }, cleanups);

const GOOD = ['user_id,item_id,event,timestamp', 'u1,i1,click,1700000000', 'u1,i2,view,1700000001'];

describe('bring-your-own-data import', () => {
  it('#13 a negative timestamp, a rating without a value and a 6-field row under a 4-column header are row errors naming line and field', async () => {
    const client = connect();
    const report = await client.importInteractions(
      [
        ...GOOD,
        'u2,i3,click,-5',
        'u2,i4,rating,1700000002',
        'u3,i5,click,1700000003,extra,fields',
        'u3,i6,purchase,1700000004',
      ].join('\n'),
    );
    expect(report).toMatchObject({ totalRows: 6, acceptedRows: 3, rejectedRows: 3 });
    expect(report.errors).toEqual([
      {
        line: 4,
        reason: 'timestamp (column "timestamp") is before 1970 (a negative Unix time): "-5"',
      },
      { line: 5, reason: expect.stringContaining('a rating event needs a value') },
      { line: 6, reason: 'too many columns: the header has 4, this row has 6' },
    ]);
    expect((await client.storage()).interactions).toBe(3);
  });

  it('#13 names the empty value column of a rating row (JSON Lines too)', async () => {
    const client = connect();
    const csv = await client.importInteractions(
      ['user,item,event,value,time', 'u1,i1,rating,4,1700000000', 'u1,i2,rating,,1700000001'].join(
        '\n',
      ),
    );
    expect(csv.errors).toEqual([
      { line: 3, reason: 'a rating event needs a value: value (column "value") is empty' },
    ]);
    const jsonl = await client.importInteractions(
      [
        '{"user":"u1","item":"i3","event":"rating","rating":5,"time":1700000002}',
        '{"user":"u1","item":"i4","event":"rating","time":1700000003}',
        '{"user":"u1","item":"i5","event":"click","time":-1}',
      ].join('\n'),
    );
    expect(jsonl.errors.map((e) => e.line)).toEqual([2, 3]);
    expect(jsonl.errors[0]!.reason).toContain('a rating event needs a value');
    expect(jsonl.errors[1]!.reason).toContain('before 1970');
  });

  it('#13 a failed import rejects across the worker boundary with DataError + code and keeps what was stored', async () => {
    const client = connect();
    await client.importInteractions(GOOD.join('\n'));
    const failed = client.importInteractions(
      ['user_id,item_id,event,timestamp', 'u9,i9,click,-5', 'u9,i8,rating,1700000000'].join('\n'),
    );
    await expect(failed).rejects.toBeInstanceOf(DataError);
    await expect(failed).rejects.toMatchObject({ code: 'INVALID_ROW' });
    await expect(failed).rejects.toThrow(/line 2/);
    expect((await client.storage()).interactions).toBe(2);
  });
});
