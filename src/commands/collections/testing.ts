/**
 * Test support for the collection families (imported by *.test.ts only): runs commands against
 * a Keyspace the way the state machine does (one entry index per command, env from envFor),
 * and captures the keyspace so tests can assert that a rejected command changed nothing.
 */
import { Keyspace } from '../../store/keyspace.js';
import { ListDeque } from '../../store/list.js';
import { HashValue, SetValue, type Value } from '../../store/values.js';
import { SortedSet } from '../../store/zset.js';
import { envFor } from '../state-machine.js';
import type { Reply } from '../reply.js';
import type { CommandSpec } from '../spec.js';

export class Harness {
  readonly db = new Keyspace();
  nowMs = 1_700_000_000_000;
  private index = 0;
  private readonly table = new Map<string, CommandSpec<never>>();

  constructor(...families: (readonly CommandSpec<never>[])[]) {
    for (const family of families) for (const spec of family) this.table.set(spec.name, spec);
  }

  /** Applies one command as entry `index + 1`; throws on an unknown name or arity (a test bug). */
  run(...args: string[]): Reply {
    const name = (args[0] ?? '').toLowerCase();
    const spec = this.table.get(name);
    if (spec === undefined || spec.kind !== 'data') throw new Error(`not a data command: ${name}`);
    const arityOk = spec.arity >= 0 ? args.length === spec.arity : args.length >= -spec.arity;
    if (!arityOk) throw new Error(`arity: ${args.join(' ')}`);
    this.index++;
    this.db.applyIndex = this.index;
    return spec.apply(this.db, args, envFor(this.index, this.nowMs));
  }

  /** Index of the last applied command. */
  get lastIndex(): number {
    return this.index;
  }

  /** A deep, comparable picture of every key, its value and TTL. */
  dump(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [key, value] of this.db.data) {
      out[key] = { value: describe(value), ttl: this.db.expiresAt(key) };
    }
    return out;
  }
}

export function describe(value: Value): unknown {
  if (typeof value === 'string') return value;
  if (value instanceof HashValue) return { hash: [...value.fields] };
  if (value instanceof SetValue) return { set: [...value.members].sort() };
  if (value instanceof ListDeque) return { list: value.toArray() };
  if (value instanceof SortedSet) return { zset: [...value.entries()] };
  return { other: value.kind };
}
