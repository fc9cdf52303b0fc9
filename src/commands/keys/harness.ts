/**
 * Test support for the data families: a StateMachine over the keys and strings commands with an
 * explicit clock, and a way to check that a command changed nothing (the keyspace's snapshot and
 * the WATCH change indexes of the keys it names). Used by tests only.
 */
import assert from 'node:assert/strict';
import type { AnySpec } from '../registry.js';
import type { Reply } from '../reply.js';
import { envFor, StateMachine } from '../state-machine.js';
import { stringsCommands } from '../strings/index.js';
import { keysCommands } from './index.js';

export const T0_MS = 1_700_000_000_000;

export class Harness {
  readonly sm: StateMachine;
  nowMs = T0_MS;
  index = 0;

  constructor(extra: readonly AnySpec[] = []) {
    // Not buildCommandTable: importing the registry would load every family, and these tests
    // should depend on the keys and strings families only.
    const specs = [...keysCommands, ...stringsCommands, ...extra];
    this.sm = new StateMachine(new Map(specs.map((spec) => [spec.name, spec])));
  }

  get db() {
    return this.sm.db;
  }

  run(...args: string[]): Reply {
    this.index++;
    return this.sm.applyOne(args, envFor(this.index, this.nowMs));
  }

  /** The state as bytes, without the apply index and checksum (which change every command). */
  state(): Buffer {
    const bytes = Buffer.from(this.sm.encodeSnapshot());
    bytes.fill(0, 5, 13);
    return bytes.subarray(0, bytes.length - 4);
  }

  /** Runs a command that must change nothing, and answers its reply. */
  unchanged(...args: string[]): Reply {
    const before = this.state();
    const indexes = args.map((arg) => this.db.changeIndex(arg));
    const reply = this.run(...args);
    assert.deepEqual(this.state(), before, `${args.join(' ')} changed the keyspace`);
    assert.deepEqual(
      args.map((arg) => this.db.changeIndex(arg)),
      indexes,
      `${args.join(' ')} signalled a change to WATCH`,
    );
    return reply;
  }
}
