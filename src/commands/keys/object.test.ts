import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SeededRng } from '../../shared/effects.js';
import { KeyMonitor, type EvictionPolicy } from '../../store/eviction.js';
import { ErrorReply } from '../reply.js';
import { Harness, T0_MS } from './harness.js';

const LFU_SELECTED =
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';
const LFU_NOT_SELECTED =
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.';

function tracked(policy: EvictionPolicy): [Harness, KeyMonitor] {
  const h = new Harness();
  const lfu = { logFactor: 0, decayMinutes: 1 };
  const monitor = KeyMonitor.create(h.db, policy, 5, lfu, T0_MS, new SeededRng(1));
  h.db.observer = monitor;
  return [h, monitor];
}

describe('OBJECT IDLETIME / FREQ with access tracking', () => {
  it('LRU: IDLETIME is whole seconds since the last access at the entry time; FREQ errors', () => {
    const [h, monitor] = tracked('allkeys-lru');
    h.run('SET', 'k', 'v');
    monitor.access.touch('k', T0_MS);
    h.nowMs = T0_MS + 2999;
    assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), 2);
    h.nowMs = T0_MS + 3000;
    assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), 3);
    assert.equal((h.run('OBJECT', 'FREQ', 'k') as ErrorReply).text, LFU_NOT_SELECTED);
    assert.equal(h.run('OBJECT', 'IDLETIME', 'missing'), null, 'missing key first, as Redis');
    // OBJECT itself is not an access.
    assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), 3);
  });

  it('LFU: FREQ is the decayed counter; IDLETIME errors', () => {
    const [h, monitor] = tracked('volatile-lfu');
    h.run('SET', 'k', 'v');
    for (let i = 0; i < 8; i++) monitor.access.touch('k', T0_MS);
    assert.equal(h.run('OBJECT', 'FREQ', 'k'), 12); // 5 at creation, +1 per later access
    h.nowMs = T0_MS + 2 * 60_000;
    assert.equal(h.run('OBJECT', 'FREQ', 'k'), 10, 'one per lfu-decay-time minute');
    assert.equal((h.run('OBJECT', 'IDLETIME', 'k') as ErrorReply).text, LFU_SELECTED);
  });

  it('tracking off: IDLETIME answers 0 and FREQ errors', () => {
    const h = new Harness();
    h.run('SET', 'k', 'v');
    h.nowMs = T0_MS + 60_000;
    assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), 0);
    assert.equal((h.run('OBJECT', 'FREQ', 'k') as ErrorReply).text, LFU_NOT_SELECTED);
  });
});
