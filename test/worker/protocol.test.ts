import { describe, expect, it } from 'vitest';
import { OptionError } from '../../src/core/errors';
import {
  CANCELLABLE_TYPES,
  REQUEST_TYPES,
  parseHostMessage,
  parseHostRequest,
  type HostRequest,
} from '../../src/worker/protocol';

/** One well-formed request of every type. */
const REQUESTS: readonly HostRequest[] = [
  { id: 1, type: 'init', config: { dbName: 'x' } },
  { id: 2, type: 'recommend', request: { type: 'popular', k: 3 } },
  { id: 3, type: 'track', event: { itemId: 'a', type: 'view' } },
  { id: 4, type: 'import-interactions', input: 'u,i\n1,2' },
  { id: 5, type: 'import-catalog', input: new Blob(['id\n1']), options: { format: 'csv' } },
  { id: 6, type: 'train', request: { backend: 'typed', mf: { epochs: 2 } } },
  { id: 7, type: 'cancel', target: 6 },
  { id: 8, type: 'load-model', bytes: new Uint8Array([1, 2]) },
  { id: 9, type: 'capabilities' },
  { id: 10, type: 'storage' },
  { id: 11, type: 'export' },
  { id: 12, type: 'erase' },
  { id: 13, type: 'dispose' },
  { id: 14, type: 'federated-status' },
  { id: 15, type: 'federated-consent', granted: true },
  { id: 16, type: 'participate' },
  { id: 17, type: 'record-exposure', exposure: { experimentId: 'e', armId: 'a' } },
  { id: 18, type: 'experiments' },
];

describe('protocol requests', () => {
  it('lists every request type once, and the examples cover them all', () => {
    expect(new Set(REQUEST_TYPES).size).toBe(REQUEST_TYPES.length);
    expect(REQUESTS.map((r) => r.type).sort()).toEqual([...REQUEST_TYPES].sort());
    for (const type of CANCELLABLE_TYPES) expect(REQUEST_TYPES).toContain(type);
  });

  it('accepts every well-formed request, also after a structured clone', () => {
    for (const request of REQUESTS) {
      expect(parseHostRequest(request)).toBe(request);
      const cloned = parseHostRequest(structuredClone(request));
      expect(cloned.type).toBe(request.type);
      expect(cloned.id).toBe(request.id);
    }
    const bytes = parseHostRequest(structuredClone(REQUESTS[7]));
    expect(bytes.type === 'load-model' && [...bytes.bytes]).toEqual([1, 2]);
  });

  it.each([
    ['not an object', 'init'],
    ['no id', { type: 'storage' }],
    ['negative id', { id: -1, type: 'storage' }],
    ['fractional id', { id: 1.5, type: 'storage' }],
    ['unknown type', { id: 1, type: 'teleport' }],
    ['init without config', { id: 1, type: 'init' }],
    ['recommend without request', { id: 1, type: 'recommend' }],
    ['track without event', { id: 1, type: 'track' }],
    ['import without input', { id: 1, type: 'import-catalog' }],
    ['train without request', { id: 1, type: 'train' }],
    ['cancel without target', { id: 1, type: 'cancel' }],
    ['load-model with an array', { id: 1, type: 'load-model', bytes: [1, 2] }],
    ['federated-consent without granted', { id: 1, type: 'federated-consent' }],
    ['federated-consent with a string', { id: 1, type: 'federated-consent', granted: 'yes' }],
  ])('rejects %s with OptionError', (_what, data) => {
    expect(() => parseHostRequest(data)).toThrow(OptionError);
  });
});

describe('protocol host messages', () => {
  it('accepts results, errors, progress and events', () => {
    const messages = [
      { id: 1, type: 'result', value: null },
      { id: 2, type: 'error', error: { name: 'DataError', code: 'EMPTY_INPUT', message: 'm' } },
      {
        id: 3,
        type: 'progress',
        progress: { epoch: 1, epochs: 2, loss: 1, elapsedMs: 1, etaMs: 1, computePath: 'typed' },
      },
      { type: 'event', event: { type: 'history-changed', events: 2 } },
    ];
    for (const m of messages) expect(parseHostMessage(structuredClone(m))).toEqual(m);
  });

  it.each([
    ['null', null],
    ['unknown type', { id: 1, type: 'answer' }],
    ['result without id', { type: 'result', value: 1 }],
    ['error without code', { id: 1, type: 'error', error: { message: 'x' } }],
    ['progress without progress', { id: 1, type: 'progress' }],
    ['event without event', { type: 'event' }],
  ])('rejects %s with OptionError', (_what, data) => {
    expect(() => parseHostMessage(data)).toThrow(OptionError);
  });
});
