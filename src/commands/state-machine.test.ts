import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemlayerError } from '../shared/errors.js';
import { SeededRng } from '../shared/effects.js';
import type { DataRequest } from './executor.js';
import { Harness, T0_MS } from './keys/harness.js';
import { ErrorReply, NULL_ARRAY, OK } from './reply.js';
import { envFor } from './state-machine.js';
import { decodeEntry, encodeEntry } from './entry.js';
import { decodeSnapshot } from '../store/snapshot.js';

function request(commands: string[][], extra: Partial<DataRequest> = {}): DataRequest {
  return {
    commands,
    write: true,
    transaction: commands.length > 1,
    watch: undefined,
    clientId: 0,
    sequence: 0,
    ...extra,
  };
}

function apply(h: Harness, req: DataRequest): ReturnType<Harness['run']> {
  h.index++;
  return h.sm.apply(req, envFor(h.index, h.nowMs));
}

describe('StateMachine.apply', () => {
  it('runs a transaction and keeps going after an error reply', () => {
    const h = new Harness();
    h.run('SET', 's', 'text');
    const reply = apply(
      h,
      request(
        [
          ['SET', 'a', '1'],
          ['INCR', 's'],
          ['INCR', 'a'],
        ],
        { transaction: true },
      ),
    );
    assert.deepEqual(reply, [OK, new ErrorReply('ERR value is not an integer or out of range'), 2]);
    assert.equal(h.run('GET', 'a'), '2');
  });

  it('WATCH aborts when a watched key changed after the watch index, and applies nothing', () => {
    const h = new Harness();
    h.run('SET', 'w', '1');
    const watchIndex = h.index;
    const watch = { keys: ['w'], index: watchIndex };
    assert.deepEqual(apply(h, request([['SET', 'x', '1']], { transaction: true, watch })), [OK]);
    h.run('SET', 'w', '2');
    const before = h.state();
    assert.equal(apply(h, request([['SET', 'x', '2']], { transaction: true, watch })), NULL_ARRAY);
    assert.deepEqual(h.state(), before);
    assert.equal(h.run('GET', 'x'), '1');
  });

  it('WATCH sees expiry changes, deletes and failed writes are not changes', () => {
    const h = new Harness();
    h.run('SET', 'w', '1');
    let watch = { keys: ['w'], index: h.index };
    h.run('INCRBY', 'w', 'x');
    assert.deepEqual(apply(h, request([['GET', 'w']], { transaction: true, watch })), ['1']);
    watch = { keys: ['w'], index: h.index };
    h.run('EXPIRE', 'w', '100');
    assert.equal(apply(h, request([['GET', 'w']], { transaction: true, watch })), NULL_ARRAY);
    watch = { keys: ['w'], index: h.index };
    h.run('DEL', 'w');
    assert.equal(apply(h, request([['GET', 'w']], { transaction: true, watch })), NULL_ARRAY);
  });

  it('WATCH aborts when a watched key expired since, as Redis 7', () => {
    const h = new Harness();
    h.run('SET', 'w', '1', 'PX', '100');
    const watch = { keys: ['w'], index: h.index };
    assert.deepEqual(apply(h, request([['GET', 'w']], { transaction: true, watch })), ['1']);
    h.nowMs += 100;
    assert.equal(apply(h, request([['SET', 'x', '1']], { transaction: true, watch })), NULL_ARRAY);
    assert.equal(h.run('EXISTS', 'x'), 0);
  });

  it('answers a repeated (clientId, sequence) from the cache without applying it', () => {
    const h = new Harness();
    const first = apply(h, request([['INCR', 'n']], { clientId: 7, sequence: 1 }));
    assert.equal(first, 1);
    assert.equal(apply(h, request([['INCR', 'n']], { clientId: 7, sequence: 1 })), 1);
    assert.equal(h.run('GET', 'n'), '1');
    assert.equal(apply(h, request([['INCR', 'n']], { clientId: 7, sequence: 2 })), 2);
    const stale = apply(h, request([['INCR', 'n']], { clientId: 7, sequence: 1 }));
    assert.ok(stale instanceof ErrorReply);
    assert.match(stale.text, /^ERR stale request/);
    assert.equal(apply(h, request([['INCR', 'n']], { clientId: 8, sequence: 1 })), 3);
    assert.equal(h.run('GET', 'n'), '3');
    // Client 0 means no session: every request applies.
    apply(h, request([['INCR', 'n']]));
    apply(h, request([['INCR', 'n']]));
    assert.equal(h.run('GET', 'n'), '5');
  });

  it('keeps the session cache in the snapshot', () => {
    const h = new Harness();
    apply(
      h,
      request(
        [
          ['INCR', 'n'],
          ['GET', 'n'],
        ],
        { clientId: 9, sequence: 4, transaction: true },
      ),
    );
    const other = new Harness();
    other.sm.restoreSnapshot(h.sm.encodeSnapshot());
    assert.deepEqual(
      apply(
        other,
        request(
          [
            ['INCR', 'n'],
            ['GET', 'n'],
          ],
          { clientId: 9, sequence: 4, transaction: true },
        ),
      ),
      [1, '1'],
    );
    assert.equal(other.run('GET', 'n'), '1');
  });

  it('bounds the session cache', () => {
    const h = new Harness();
    for (let client = 1; client <= 10_050; client++) {
      apply(h, request([['SET', 'k', String(client)]], { clientId: client, sequence: 1 }));
    }
    // Client 1 was evicted: its retry applies again; client 10_050 is still cached.
    apply(
      h,
      request(
        [
          ['SET', 'k', 'retry'],
          ['GET', 'k'],
        ],
        { clientId: 1, sequence: 1, transaction: true },
      ),
    );
    assert.equal(h.run('GET', 'k'), 'retry');
    assert.equal(apply(h, request([['SET', 'k', 'again']], { clientId: 10_050, sequence: 1 })), OK);
    assert.equal(h.run('GET', 'k'), 'retry');
  });

  it('deduplicates SEQ writes read back from their log entries, up to 2^53-1', () => {
    // What `SEQ` proposes: one write, not a transaction, with the connection's session.
    const top = Number.MAX_SAFE_INTEGER;
    const logged = (sequence: number): DataRequest =>
      decodeEntry(
        encodeEntry({
          nowMs: T0_MS,
          request: request([['APPEND', 'a', 'x']], { clientId: top, sequence }),
        }),
      ).request;
    const leader = new Harness();
    const follower = new Harness();
    for (const h of [leader, follower]) {
      assert.equal(apply(h, logged(top - 1)), 1);
      // The same entry twice in the log (a retry): the second answers the first's reply.
      assert.equal(apply(h, logged(top - 1)), 1);
      assert.equal(apply(h, logged(top)), 2);
      const stale = apply(h, logged(1));
      assert.ok(stale instanceof ErrorReply);
      assert.match(stale.text, /^ERR stale request: sequence 1 of client 9007199254740991 /);
      assert.equal(h.run('GET', 'a'), 'xx');
    }
    // Replicas that applied the same log hold the same cache, byte for byte.
    assert.deepEqual(
      Buffer.from(leader.sm.encodeSnapshot()),
      Buffer.from(follower.sm.encodeSnapshot()),
    );
  });

  it('asserts on a non-data or unknown command (a caller bug)', () => {
    const h = new Harness();
    assert.throws(() => h.run('NOSUCHCOMMAND'), /not a data command/);
  });
});

/**
 * A snapshot's content in a canonical order. Records follow the key table's entry order, which
 * depends on the history of deletes as well as on the content: a state machine restored from a
 * snapshot holds the same records as the one that applied the log, not in the same order.
 */
function snapshotContent(bytes: Uint8Array): unknown {
  const decoded = decodeSnapshot(bytes);
  return {
    applyIndex: decoded.applyIndex,
    records: [...decoded.data].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    expires: [...decoded.expires].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    extra: Buffer.from(decoded.extra),
    changeIndexes: decoded.changeIndexes,
  };
}

describe('determinism and snapshots', () => {
  function randomCommands(seed: number, count: number): string[][] {
    const rng = new SeededRng(seed);
    const keys = ['a', 'b', 'c', 'd', 'n'];
    const pick = (): string => keys[rng.int(keys.length)] as string;
    const makers: (() => string[])[] = [
      () => ['SET', pick(), String(rng.int(100))],
      () => ['SET', pick(), 'v', 'PX', String(1 + rng.int(50))],
      () => ['INCR', pick()],
      () => ['APPEND', pick(), 'x'],
      () => ['DEL', pick()],
      () => ['RENAME', pick(), pick()],
      () => ['EXPIRE', pick(), String(rng.int(5) - 1)],
      () => ['COPY', pick(), pick(), 'REPLACE'],
      () => ['GETEX', pick(), 'PERSIST'],
      () => ['INCRBYFLOAT', pick(), '0.5'],
    ];
    return Array.from({ length: count }, () =>
      (makers[rng.int(makers.length)] as () => string[])(),
    );
  }

  it('two state machines applying the same entries hold identical snapshots', () => {
    const a = new Harness();
    const b = new Harness();
    const commands = randomCommands(1, 3000);
    commands.forEach((command, i) => {
      const nowMs = T0_MS + i * 3;
      const replyA = a.sm.applyOne(command, envFor(i + 1, nowMs));
      const replyB = b.sm.applyOne(command, envFor(i + 1, nowMs));
      assert.deepEqual(replyA, replyB);
    });
    assert.deepEqual(Buffer.from(a.sm.encodeSnapshot()), Buffer.from(b.sm.encodeSnapshot()));
  });

  it('a restored state machine continues exactly like the original', () => {
    const a = new Harness();
    const commands = randomCommands(2, 2000);
    commands
      .slice(0, 1000)
      .forEach((command, i) => a.sm.applyOne(command, envFor(i + 1, T0_MS + i)));
    const b = new Harness();
    b.sm.restoreSnapshot(a.sm.encodeSnapshot());
    commands.slice(1000).forEach((command, j) => {
      const i = j + 1000;
      assert.deepEqual(
        a.sm.applyOne(command, envFor(i + 1, T0_MS + i)),
        b.sm.applyOne(command, envFor(i + 1, T0_MS + i)),
      );
    });
    assert.deepEqual(
      snapshotContent(a.sm.encodeSnapshot()),
      snapshotContent(b.sm.encodeSnapshot()),
    );
  });

  it('a corrupt snapshot leaves the current state untouched', () => {
    const source = new Harness();
    source.run('MSET', 'x', '1', 'y', '2');
    const bytes = Uint8Array.from(source.sm.encodeSnapshot());
    const target = new Harness();
    target.run('SET', 'mine', 'kept');
    const before = Buffer.from(target.sm.encodeSnapshot());
    for (let i = 0; i < bytes.length; i++) {
      const copy = Uint8Array.from(bytes);
      copy[i] = (copy[i] ?? 0) ^ 0x10;
      assert.throws(
        () => target.sm.restoreSnapshot(copy),
        (error: unknown) => error instanceof MemlayerError && error.code === 'ERR_SNAPSHOT_CORRUPT',
      );
      assert.throws(() => target.sm.restoreSnapshot(bytes.subarray(0, i)), MemlayerError);
    }
    assert.deepEqual(Buffer.from(target.sm.encodeSnapshot()), before);
    target.sm.restoreSnapshot(bytes);
    assert.equal(target.run('GET', 'mine'), null);
    assert.equal(target.run('GET', 'y'), '2');
  });

  it('snapshotChunks are the prefix then encodeSnapshot, in steps of about chunkBytes', () => {
    const h = new Harness();
    for (let i = 0; i < 200; i++) h.run('SET', `k${i}`, 'v'.repeat(i));
    const steps = h.sm.snapshotChunks(Buffer.from('HEAD'), 512);
    const chunks: Buffer[] = [];
    let count = 0;
    for (let r = steps.next(); r.done !== true; r = steps.next()) {
      count++;
      if (r.value !== undefined) chunks.push(Buffer.from(r.value));
    }
    const whole = Buffer.from(h.sm.encodeSnapshot());
    // One step per 512 bytes written, and the measuring pass's (fewer: it copies nothing).
    const writing = whole.length / 512;
    assert.ok(count >= writing - 1 && count < 2 * writing, `${count} steps`);
    assert.deepEqual(Buffer.concat(chunks), Buffer.concat([Buffer.from('HEAD'), whole]));
  });

  it('a replica restored from a snapshot decides EXEC with WATCH as the one that applied the log', () => {
    // The WATCH check reads the keyspace's change indexes when EXEC is applied: replicated
    // state. A replica that installed a snapshot must hold the same ones as a replica that
    // applied every entry, or a transfer commits on one and aborts on the other.
    const a = new Harness();
    a.run('SET', 'from', '20'); // index 1
    a.run('SET', 'to', '20'); // index 2
    for (let i = 0; i < 8; i++) a.run('SET', `other${i}`, 'x'); // indexes 3..10
    const b = new Harness();
    b.sm.restoreSnapshot(a.sm.encodeSnapshot());
    b.index = a.index;
    const transfer = request(
      [
        ['DECRBY', 'from', '5'],
        ['INCRBY', 'to', '5'],
      ],
      // Watched at index 4 (after both keys were last written): no change since, it commits.
      { watch: { keys: ['from', 'to'], index: 4 } },
    );
    assert.deepEqual(apply(a, transfer), [15, 25]);
    assert.deepEqual(apply(b, transfer), [15, 25]);
    assert.deepEqual(b.state(), a.state());
    // A change after the watch index aborts on both.
    const late = request([['DECRBY', 'from', '1']], {
      transaction: true,
      watch: { keys: ['from'], index: 4 },
    });
    assert.equal(apply(a, late), NULL_ARRAY);
    assert.equal(apply(b, late), NULL_ARRAY);
  });

  it('envFor seeds the rng from the index and group part only', () => {
    assert.equal(envFor(5, 1).rng.int(1 << 30), envFor(5, 999).rng.int(1 << 30));
    assert.equal(envFor(5, 1, 0).rng.int(1 << 30), envFor(5, 1).rng.int(1 << 30));
    assert.equal(envFor(5, 1, 3).rng.int(1 << 30), envFor(5, 7, 3).rng.int(1 << 30));
    assert.notEqual(envFor(5, 1, 1).rng.int(1 << 30), envFor(5, 1, 2).rng.int(1 << 30));
    assert.notEqual(envFor(5, 1).rng.int(1 << 30), envFor(6, 1).rng.int(1 << 30));
    assert.notEqual(envFor(2 ** 33, 1).rng.int(1 << 30), envFor(2 ** 34, 1).rng.int(1 << 30));
  });
});

describe('expiredKeys', () => {
  it('finds expired keys with bounded work, across calls', () => {
    const h = new Harness();
    for (let i = 0; i < 100; i++) h.run('SET', `k${i}`, 'v', 'PX', i % 2 === 0 ? '10' : '100000');
    h.run('SET', 'forever', 'v');
    h.nowMs += 10;
    const found = new Set<string>();
    for (let call = 0; call < 20 && found.size < 50; call++) {
      const keys = h.sm.expiredKeys(h.nowMs, 10);
      assert.ok(keys.length <= 10);
      for (const key of keys) found.add(key);
    }
    assert.equal(found.size, 50);
    for (const key of found) assert.equal(Number(key.slice(1)) % 2, 0);
    assert.equal(h.run('__expired', ...found), 50);
    assert.equal(h.run('DBSIZE'), 51);
    assert.deepEqual(h.sm.expiredKeys(h.nowMs, 10), []);
  });
});

describe('restoring a snapshot in steps', () => {
  function filled(keys: number): Harness {
    const h = new Harness();
    for (let i = 0; i < keys; i++) h.run('SET', `key:${i}`, `value:${i}`.repeat(20));
    h.run('PEXPIRE', 'key:7', '100000');
    return h;
  }

  it('decodes slice by slice, keeps the old state until the last step, then equals restoreSnapshot', () => {
    const source = filled(5000);
    const bytes = source.sm.encodeSnapshot();
    const target = new Harness();
    target.run('SET', 'old', 'state');
    const steps = target.sm.restoreSnapshotSteps(bytes, 16 * 1024);
    let yields = 0;
    for (let step = steps.next(); step.done !== true; step = steps.next()) {
      yields++;
      assert.equal(target.run('GET', 'old'), 'state', 'the old state stays until the install');
    }
    assert.ok(yields > 10, `${yields} steps for ${bytes.length} bytes`);
    assert.equal(target.run('GET', 'old'), null);
    assert.equal(target.run('DBSIZE'), 5000);
    assert.deepEqual(target.state(), source.state());
  });

  it('a corrupt snapshot fails in its steps and leaves the state untouched', () => {
    const bytes = Buffer.from(filled(2000).sm.encodeSnapshot());
    const middle = bytes.length >> 1;
    bytes[middle] = (bytes[middle] ?? 0) ^ 0xff;
    const target = new Harness();
    target.run('SET', 'old', 'state');
    const steps = target.sm.restoreSnapshotSteps(bytes, 4096);
    assert.throws(() => {
      for (let step = steps.next(); step.done !== true; step = steps.next());
    }, /checksum mismatch/);
    assert.equal(target.run('GET', 'old'), 'state');
    assert.equal(target.run('DBSIZE'), 1);
  });
});
