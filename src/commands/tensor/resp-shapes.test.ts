/** The tensor replies on the wire, RESP2 and RESP3, through the real encoder. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ReplyWriter, writeReply } from '../../resp/encoder.js';
import type { Reply } from '../reply.js';
import { newDb, run } from './testing.js';

function wire(reply: Reply, protocol: 2 | 3): string {
  const writer = new ReplyWriter();
  writeReply(writer, reply, protocol);
  return (writer.take() ?? Buffer.alloc(0)).toString('latin1');
}

function seeded(): ReturnType<typeof newDb> {
  const db = newDb();
  run(db, 'AI.TENSORSET', 'f', 'FLOAT', '2', 'VALUES', '1.5', '-2');
  run(db, 'AI.TENSORSET', 'i', 'INT8', '2', 'VALUES', '-1', '7');
  return db;
}

test('AI.TENSORGET META VALUES: an array in both protocols; floats bulk (RESP2) or double (RESP3)', () => {
  const reply = run(seeded(), 'AI.TENSORGET', 'f', 'META', 'VALUES');
  assert.equal(
    wire(reply, 2),
    '*6\r\n$5\r\ndtype\r\n$5\r\nFLOAT\r\n$5\r\nshape\r\n*1\r\n:2\r\n$6\r\nvalues\r\n*2\r\n$3\r\n1.5\r\n$2\r\n-2\r\n',
  );
  assert.equal(
    wire(reply, 3),
    '*6\r\n$5\r\ndtype\r\n$5\r\nFLOAT\r\n$5\r\nshape\r\n*1\r\n:2\r\n$6\r\nvalues\r\n*2\r\n,1.5\r\n,-2\r\n',
  );
});

test('AI.TENSORGET BLOB is one bulk string; integer VALUES are integers', () => {
  const db = seeded();
  assert.equal(wire(run(db, 'AI.TENSORGET', 'i', 'BLOB'), 2), '$2\r\n\xff\x07\r\n');
  assert.equal(wire(run(db, 'AI.TENSORGET', 'i', 'VALUES'), 3), '*2\r\n:-1\r\n:7\r\n');
});

test('TENSOR.GET META: a map in RESP3, a flat array in RESP2', () => {
  const reply = run(seeded(), 'TENSOR.GET', 'i', 'META');
  assert.equal(wire(reply, 2), '*4\r\n$5\r\ndtype\r\n$4\r\nint8\r\n$5\r\nshape\r\n*1\r\n:2\r\n');
  assert.equal(wire(reply, 3), '%2\r\n$5\r\ndtype\r\n$4\r\nint8\r\n$5\r\nshape\r\n*1\r\n:2\r\n');
});

test('TENSOR.SUM: a bulk string in RESP2, a double in RESP3', () => {
  const reply = run(seeded(), 'TENSOR.SUM', 'f');
  assert.equal(wire(reply, 2), '$4\r\n-0.5\r\n');
  assert.equal(wire(reply, 3), ',-0.5\r\n');
});
