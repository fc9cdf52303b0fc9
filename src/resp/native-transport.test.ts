import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nativeIo } from '../shared/native.js';
import { nativeTransportAvailable } from './native-transport.js';

// The addon's socket entry points check what JS hands them: a bad call throws or answers
// -errno, and never touches memory or descriptors it does not own.
const io = nativeIo();
const skip = io === undefined ? 'native addon not built' : false;

test('io_write rejects out-of-range spans and non-Buffers before touching memory', { skip }, () => {
  assert.ok(io !== undefined && nativeTransportAvailable());
  const bytes = Buffer.from('PING\r\n');
  assert.throws(() => io.io_write(1, bytes, 0, bytes.length + 1), RangeError);
  assert.throws(() => io.io_write(1, bytes, 4, 2), RangeError);
  assert.throws(() => io.io_write(1, bytes, -1, 2), RangeError);
  assert.throws(() => io.io_write(1, 'PING' as unknown as Buffer, 0, 4), TypeError);
  assert.throws(() => io.io_write('x' as unknown as number, bytes, 0, 4), TypeError);
});

test('calls naming unknown connections answer -errno or do nothing', { skip }, () => {
  assert.ok(io !== undefined && nativeTransportAvailable());
  const bytes = Buffer.from('+OK\r\n');
  for (const id of [0, 12345, 0x7fffffff, -1]) {
    assert.ok(io.io_write(id, bytes, 0, bytes.length) < 0, `write to ${id}`);
    io.io_read(id, 1);
    io.io_end(id);
    io.io_close(id);
  }
});

test('adopting a descriptor that is no socket fails and leaves it open', { skip }, () => {
  assert.ok(io !== undefined && nativeTransportAvailable());
  assert.ok(io.io_adopt(-1) < 0);
  assert.ok(io.io_adopt(1 << 30) < 0);
  // A regular file cannot be polled: adopt answers -errno and closes only its own duplicate.
  const path = join(tmpdir(), `memlayer-adopt-${process.pid}`);
  const fd = openSync(path, 'w');
  try {
    assert.ok(io.io_adopt(fd) < 0);
  } finally {
    closeSync(fd); // throws EBADF if adopt had closed ours
    rmSync(path, { force: true });
  }
});
