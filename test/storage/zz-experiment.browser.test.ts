import { openDB, deleteDB } from 'idb';
import { it } from 'vitest';

const N = 1_000_000;
function cols(n: number) {
  const users = new Int32Array(n), items = new Int32Array(n), types = new Uint8Array(n), values = new Float32Array(n), ts = new Float64Array(n);
  for (let i = 0; i < n; i++) { users[i] = i % 5000; items[i] = (i * 7) % 20000; types[i] = i % 6; values[i] = i % 5; ts[i] = 1.7e12 + i; }
  return { users, items, types, values, ts };
}

it('chunk sizes', async () => {
  const c = cols(N);
  for (const [size, packed] of [[16384,false],[8192,false],[4096,false],[16384,true],[8192,true],[16384,false],[8192,false],[32768,false]] as const) {
    const name = `exp-chunk-${size}`;
    await deleteDB(name);
    const db = await openDB(name, 1, { upgrade(d) { d.createObjectStore('chunks', { keyPath: 'id', autoIncrement: true }); } });
    let t = performance.now();
    const tx = db.transaction('chunks', 'readwrite');
    for (let s = 0; s < N; s += size) {
      const e = Math.min(N, s + size);
      if (packed) { const n = e - s; const buf = new ArrayBuffer(n * 21); new Float64Array(buf, 0, n).set(c.ts.subarray(s, e)); new Int32Array(buf, n * 8, n).set(c.users.subarray(s, e)); new Int32Array(buf, n * 12, n).set(c.items.subarray(s, e)); new Float32Array(buf, n * 16, n).set(c.values.subarray(s, e)); new Uint8Array(buf, n * 20, n).set(c.types.subarray(s, e)); void tx.store.add({ count: n, buf, minTs: c.ts[s], maxTs: c.ts[e - 1] }); continue; }
      void tx.store.add({ count: e - s, users: c.users.slice(s, e), items: c.items.slice(s, e), types: c.types.slice(s, e), values: c.values.slice(s, e), ts: c.ts.slice(s, e), minTs: c.ts[s], maxTs: c.ts[e - 1] });
    }
    await tx.done;
    const w = performance.now() - t;
    t = performance.now();
    const all = await db.getAll('chunks');
    const r = performance.now() - t;
    // tail rewrite cost
    t = performance.now();
    for (let k = 0; k < 20; k++) {
      const tx2 = db.transaction('chunks', 'readwrite');
      const cur = await tx2.store.openCursor(null, 'prev');
      await tx2.store.put(cur!.value);
      await tx2.done;
    }
    const tail = (performance.now() - t) / 20;
    console.log(`size ${size} packed=${packed}: write ${w.toFixed(0)} ms, read ${r.toFixed(0)} ms (${all.length} recs), tail rewrite ${tail.toFixed(2)} ms`);
    db.close();
    await deleteDB(name);
  }
});

it.skip('log appends', async () => {
  const name = 'exp-log';
  await deleteDB(name);
  const db = await openDB(name, 1, { upgrade(d) { d.createObjectStore('log', { keyPath: 'seq', autoIncrement: true }); } });
  let t = performance.now();
  for (let i = 0; i < 300; i++) {
    const tx = db.transaction('log', 'readwrite');
    void tx.store.add({ user: 'local', item: `item-${i}`, type: 1, value: NaN, timestamp: 1.7e12 + i });
    await tx.store.count();
    await tx.done;
  }
  console.log(`single log append+count: ${((performance.now() - t) / 300).toFixed(2)} ms`);
  for (const k of [16, 64, 256, 1024]) {
    t = performance.now();
    const tx = db.transaction('log', 'readwrite');
    for (let i = 0; i < k; i++) void tx.store.add({ user: 'local', item: `item-${i}`, type: 1, value: NaN, timestamp: 1.7e12 + i });
    await tx.done;
    console.log(`log batch ${k}: ${(performance.now() - t).toFixed(2)} ms`);
  }
  const tx = db.transaction('log', 'readwrite');
  for (let i = 0; i < 8000; i++) void tx.store.add({ user: 'local', item: `item-${i}`, type: 1, value: NaN, timestamp: 1.7e12 + i });
  await tx.done;
  for (const k of [1024, 4096, 8192]) {
    t = performance.now();
    const rows = await db.getAll('log', null, k);
    console.log(`log getAll ${rows.length}: ${(performance.now() - t).toFixed(2)} ms`);
  }
  t = performance.now();
  const cnt = await db.count('log');
  console.log(`count ${cnt}: ${(performance.now() - t).toFixed(2)} ms`);
  db.close();
  await deleteDB(name);
});

it.skip('catalog and vocab', async () => {
  const name = 'exp-cat';
  await deleteDB(name);
  const db = await openDB(name, 1, { upgrade(d) { d.createObjectStore('a'); d.createObjectStore('b'); d.createObjectStore('c'); d.createObjectStore('d'); } });
  const items = Array.from({ length: 50000 }, (_, i) => ({ id: `item-${i}`, title: `Title number ${i}`, category: ['Home', 'Kitchen'], tags: ['x', 'y'], price: i * 0.5, inStock: true, attributes: { color: 'red', size: i } }));
  for (const [store, enc] of [['a', false], ['b', true]] as const) {
    let t = performance.now();
    const tx = db.transaction(store, 'readwrite');
    for (let s = 0, k = 0; s < items.length; s += 1000, k++) {
      const part = items.slice(s, s + 1000);
      void tx.store.put(enc ? JSON.stringify(part) : part, k);
    }
    await tx.done;
    const w = performance.now() - t;
    t = performance.now();
    const all = await db.getAll(store);
    const out = enc ? all.flatMap((x) => JSON.parse(x as string) as unknown[]) : all.flat();
    console.log(`catalog 50k ${enc ? 'json' : 'objects'}: write ${w.toFixed(0)} ms, read ${(performance.now() - t).toFixed(0)} ms (${out.length})`);
  }
  const ids = Array.from({ length: 200000 }, (_, i) => `user-${i}-abcdef`);
  for (const [store, enc] of [['c', false], ['d', true]] as const) {
    let t = performance.now();
    const tx = db.transaction(store, 'readwrite');
    for (let s = 0, k = 0; s < ids.length; s += 4096, k++) {
      const part = ids.slice(s, s + 4096);
      void tx.store.put(enc ? JSON.stringify(part) : part, k);
    }
    await tx.done;
    const w = performance.now() - t;
    t = performance.now();
    const all = await db.getAll(store);
    const out = enc ? all.flatMap((x) => JSON.parse(x as string) as unknown[]) : all.flat();
    console.log(`vocab 200k ${enc ? 'json' : 'string[]'}: write ${w.toFixed(0)} ms, read ${(performance.now() - t).toFixed(0)} ms (${out.length})`);
  }
  db.close();
  await deleteDB(name);
});
