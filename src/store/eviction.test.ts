import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRng } from '../shared/effects.js';
import { AccessTracker, LFU_INIT_VAL } from './access.js';
import { Evictor, KeyMonitor, type EvictionPolicy } from './eviction.js';
import { Keyspace } from './keyspace.js';
import { KeyTable } from './key-table.js';
import { estimateKeyBytes, KEY_ENTRY_BYTES, SampledKeys, stringBytes } from './memory.js';
import { HashValue } from './values.js';
import { SortedSet } from './zset.js';
import { installSnapshot } from './snapshot.js';

const MINUTE_MS = 60_000;
const T0 = 1_700_000_000_000;

function monitored(policy: EvictionPolicy, keys: number, nowMs = T0): [Keyspace, KeyMonitor] {
  const db = new Keyspace();
  for (let i = 0; i < keys; i++) db.replace(`k${i}`, 'x'.repeat(100));
  const monitor = KeyMonitor.create(
    db,
    policy,
    5,
    { logFactor: 10, decayMinutes: 1 },
    nowMs,
    new SeededRng(3),
  );
  db.observer = monitor;
  return [db, monitor];
}

test('LRU: idle time counts from the last touch, or from when tracking started', () => {
  const access = new AccessTracker('lru', { logFactor: 10, decayMinutes: 1 }, T0, new SeededRng(1));
  assert.equal(access.idleMs('never', T0 + 5000), 5000);
  access.touch('a', T0 + 1000);
  assert.equal(access.idleMs('a', T0 + 4500), 3500);
  access.forget('a');
  assert.equal(access.idleMs('a', T0 + 4500), 4500);
});

test('LFU: the counter starts at LFU_INIT_VAL, grows logarithmically and decays per minute', () => {
  const lfu = { logFactor: 0, decayMinutes: 1 };
  const access = new AccessTracker('lfu', lfu, T0, new SeededRng(1));
  assert.equal(access.frequency('a', T0), LFU_INIT_VAL);
  // The first touch (the creating write) sets LFU_INIT_VAL; with log factor 0 every later
  // access counts, up to 255.
  access.touch('a', T0);
  assert.equal(access.frequency('a', T0), LFU_INIT_VAL);
  for (let i = 0; i < 10; i++) access.touch('a', T0);
  assert.equal(access.frequency('a', T0), LFU_INIT_VAL + 10);
  for (let i = 0; i < 400; i++) access.touch('a', T0);
  assert.equal(access.frequency('a', T0), 255);
  // Three minutes later, decayed by three (one per lfu-decay-time minute).
  assert.equal(access.frequency('a', T0 + 3 * MINUTE_MS), 252);
  lfu.decayMinutes = 0;
  assert.equal(access.frequency('a', T0 + 3 * MINUTE_MS), 255, 'decay 0 = never');

  // The default factor 10: 100 accesses land far below 100 (Redis' table: ~10 for 100 hits).
  const slow = new AccessTracker('lfu', { logFactor: 10, decayMinutes: 1 }, T0, new SeededRng(9));
  for (let i = 0; i <= 100; i++) slow.touch('b', T0);
  const counter = slow.frequency('b', T0);
  assert.ok(counter > LFU_INIT_VAL && counter < 30, `counter ${counter}`);
});

test('estimate: a string key is its entry plus its record chunk; collections scale with size', () => {
  assert.equal(stringBytes(''), 16);
  assert.equal(stringBytes('abcdefghi'), 32);
  // 'key' + 'value' is an 8-byte record: the smallest chunk, 16 bytes.
  assert.equal(estimateKeyBytes('key', 'value', 5), KEY_ENTRY_BYTES + 16);
  assert.equal(estimateKeyBytes('k'.repeat(16), 'v'.repeat(100), 5), KEY_ENTRY_BYTES + 120);
  const small = new HashValue();
  const large = new HashValue();
  for (let i = 0; i < 10; i++) small.fields.set(`f${i}`, 'v'.repeat(50));
  for (let i = 0; i < 1000; i++) large.fields.set(`f${i}`, 'v'.repeat(50));
  const ratio = estimateKeyBytes('h', large, 5) / estimateKeyBytes('h', small, 5);
  assert.ok(ratio > 80 && ratio < 100, `ratio ${ratio}`);
  const zset = new SortedSet();
  zset.set('member', 1);
  assert.ok(estimateKeyBytes('z', zset, 5) > estimateKeyBytes('z', new SortedSet(), 5));
});

test('accounting follows creates, in-place changes and deletes, and agrees with a rebuild', () => {
  const [db, monitor] = monitored('allkeys-lru', 0);
  assert.equal(monitor.flush(), 0);
  db.replace('a', 'x'.repeat(1000));
  db.replace('b', 'y');
  const afterCreate = monitor.flush();
  assert.equal(
    afterCreate,
    estimateKeyBytes('a', 'x'.repeat(1000), 5) + estimateKeyBytes('b', 'y', 5),
  );
  const hash = new HashValue();
  db.put('h', hash);
  hash.fields.set('f', 'z'.repeat(500));
  db.changed('h'); // handlers that mutate in place report it
  const withHash = monitor.flush();
  assert.equal(withHash - afterCreate, estimateKeyBytes('h', hash, 5));
  db.delete('a');
  assert.equal(monitor.flush(), withHash - estimateKeyBytes('a', 'x'.repeat(1000), 5));
  const incremental = monitor.flush();
  monitor.accounting.rebuild(db);
  assert.equal(monitor.flush(), incremental);
  db.clear();
  assert.equal(monitor.flush(), 0);
});

test('a snapshot install re-estimates everything', () => {
  const [db, monitor] = monitored('allkeys-lru', 10);
  const before = monitor.flush();
  const data = new KeyTable();
  data.set('only', 'v');
  const snapshot = {
    applyIndex: 5,
    data,
    expires: new Map<string, number>(),
    extra: new Uint8Array(0),
    changeIndexes: undefined,
  };
  installSnapshot(db, snapshot);
  assert.ok(monitor.flush() < before);
  assert.equal(monitor.flush(), estimateKeyBytes('only', 'v', 5));
});

test('allkeys-lru evicts keys idle longest, never the recently touched ones', () => {
  const [db, monitor] = monitored('allkeys-lru', 200);
  const hot = new Set<string>();
  for (let i = 0; i < 200; i += 10) hot.add(`k${i}`);
  for (const key of hot) monitor.access.touch(key, T0 + 10_000);
  const evictor = new Evictor(new SeededRng(5));
  const perKey = monitor.accounting.bytesOf('k1');
  const victims = evictor.choose(monitor, db, 'allkeys-lru', 5, perKey * 100, 1000, T0 + 20_000);
  assert.equal(victims.length, 100, 'enough keys to cover the bytes asked for');
  assert.equal(new Set(victims).size, victims.length, 'distinct');
  for (const key of victims) assert.ok(!hot.has(key), `evicted hot key ${key}`);
});

test('allkeys-lfu prefers the least frequently used keys', () => {
  const [db, monitor] = monitored('allkeys-lfu', 100);
  const frequent: string[] = [];
  for (let i = 0; i < 100; i += 4) frequent.push(`k${i}`);
  for (let round = 0; round < 50; round++)
    for (const key of frequent) monitor.access.touch(key, T0);
  const evictor = new Evictor(new SeededRng(5));
  const victims = evictor.choose(monitor, db, 'allkeys-lfu', 5, Infinity, 50, T0);
  assert.equal(victims.length, 50);
  for (const key of victims) assert.ok(!frequent.includes(key), `evicted frequent key ${key}`);
});

test('volatile-ttl evicts only keys with a TTL, soonest expiry first', () => {
  const [db, monitor] = monitored('volatile-ttl', 50);
  for (let i = 0; i < 10; i++) db.setExpiry(`k${i}`, T0 + 1000 * (10 - i)); // k9 expires first
  monitor.flush();
  assert.equal(monitor.accounting.volatile.size, 10);
  const evictor = new Evictor(new SeededRng(5));
  // Many samples of ten keys: the pool certainly sees k9 (seeded, so the same every run).
  const first = evictor.choose(monitor, db, 'volatile-ttl', 100, 1, 1, T0);
  assert.deepEqual(first, ['k9']);
  const all = evictor.choose(monitor, db, 'volatile-ttl', 5, Infinity, 100, T0);
  assert.equal(all.length, 10, 'every key with a TTL and no other');
  for (const key of all) assert.ok(db.expiresAt(key) !== undefined);
});

test('nothing to evict: noeviction, volatile-* without TTLs, an empty keyspace', () => {
  const [db, monitor] = monitored('volatile-lru', 20);
  const evictor = new Evictor(new SeededRng(5));
  assert.deepEqual(evictor.choose(monitor, db, 'noeviction', 5, 1, 10, T0), []);
  for (const policy of ['volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl'] as const)
    assert.deepEqual(evictor.choose(monitor, db, policy, 5, 1, 10, T0), [], policy);
  const [empty, emptyMonitor] = monitored('allkeys-random', 0);
  assert.deepEqual(evictor.choose(emptyMonitor, empty, 'allkeys-random', 5, 1, 10, T0), []);
});

test('allkeys-random picks distinct existing keys and can empty the keyspace', () => {
  const [db, monitor] = monitored('allkeys-random', 30);
  const evictor = new Evictor(new SeededRng(5));
  const victims = evictor.choose(monitor, db, 'allkeys-random', 5, Infinity, 100, T0);
  assert.equal(new Set(victims).size, 30);
  for (const key of victims) assert.ok(db.data.has(key));
});

test('SampledKeys: add, update, delete (swap with the last slot) and random choice agree with a model', () => {
  const keys = new SampledKeys();
  const model = new Map<string, number>();
  const rng = new SeededRng(11);
  for (let step = 0; step < 5000; step++) {
    const key = `k${rng.int(200)}`;
    if (rng.int(3) === 0) {
      assert.equal(keys.delete(key), model.get(key) ?? 0);
      model.delete(key);
    } else {
      keys.set(key, step);
      model.set(key, step);
    }
    assert.equal(keys.size, model.size);
  }
  for (const [key, value] of model) assert.equal(keys.get(key), value);
  const slots = new Set<string>();
  for (let slot = 0; slot < keys.size; slot++) slots.add(keys.at(slot) ?? '');
  assert.deepEqual([...slots].sort(), [...model.keys()].sort(), 'slots hold each key once');
  const drawn = new Set<string>();
  for (let i = 0; i < 5000; i++) drawn.add(keys.random((bound) => rng.int(bound)) ?? '');
  assert.equal(drawn.size, model.size, 'every key can be drawn');
  keys.clear();
  assert.equal(
    keys.random((bound) => rng.int(bound)),
    undefined,
  );
});
