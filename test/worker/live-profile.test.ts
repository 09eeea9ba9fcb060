import { describe, expect, it } from 'vitest';
import type { Interaction } from '../../src/core/data/types';
import { createLiveProfile } from '../../src/worker/live-profile';

const ev = (
  itemId: string,
  timestamp: number,
  type: Interaction['type'] = 'view',
): Interaction => ({
  itemId,
  type,
  timestamp,
  userId: 'local',
});

const ids = (profile: ReturnType<typeof createLiveProfile>): string[] =>
  profile.history().map((h) => h.itemId);

describe('live profile', () => {
  it('shows stored events then local ones, oldest first, as history events', () => {
    const p = createLiveProfile({ limit: 10 });
    p.replaceStored([ev('a', 1), ev('b', 2, 'cart')]);
    p.add(ev('c', 3));
    expect(p.history()).toEqual([
      { itemId: 'a', type: 'view' },
      { itemId: 'b', type: 'cart' },
      { itemId: 'c', type: 'view' },
    ]);
    expect(p.size).toBe(3);
  });

  it('keeps the most recent `limit` events', () => {
    const p = createLiveProfile({ limit: 3 });
    p.replaceStored([ev('a', 1), ev('b', 2)]);
    p.add(ev('c', 3));
    p.add(ev('d', 4));
    p.add(ev('e', 5));
    expect(ids(p)).toEqual(['c', 'd', 'e']);
    expect(p.size).toBe(3);
  });

  it('does not count a local event twice once the store returns it', () => {
    const p = createLiveProfile({ limit: 10 });
    const c = ev('c', 3);
    const d = ev('d', 4);
    p.replaceStored([ev('a', 1)]);
    p.add(c);
    p.add(d);
    // The store read saw c committed but not yet d.
    p.replaceStored([ev('a', 1), { ...c }]);
    expect(ids(p)).toEqual(['a', 'c', 'd']);
    p.replaceStored([ev('a', 1), { ...c }, { ...d }]);
    expect(ids(p)).toEqual(['a', 'c', 'd']);
  });

  it('keeps repeated identical events as many times as they happened', () => {
    const p = createLiveProfile({ limit: 10 });
    p.add(ev('a', 1));
    p.add(ev('a', 1));
    p.replaceStored([ev('a', 1)]);
    expect(ids(p)).toEqual(['a', 'a']);
  });

  it('picks up events written by another tab', () => {
    const p = createLiveProfile({ limit: 10 });
    p.add(ev('mine', 2));
    p.replaceStored([ev('theirs', 1), ev('mine', 2)]);
    expect(ids(p)).toEqual(['theirs', 'mine']);
  });

  it('discards a local event whose write failed, and clears', () => {
    const p = createLiveProfile({ limit: 10 });
    const a = ev('a', 1);
    p.add(a);
    p.add(ev('b', 2));
    p.discard(a);
    expect(ids(p)).toEqual(['b']);
    p.clear();
    expect(p.history()).toEqual([]);
    expect(p.size).toBe(0);
  });

  it('caches the history array until something changes', () => {
    const p = createLiveProfile({ limit: 10 });
    p.add(ev('a', 1));
    const first = p.history();
    expect(p.history()).toBe(first);
    p.add(ev('b', 2));
    expect(p.history()).not.toBe(first);
  });
});
