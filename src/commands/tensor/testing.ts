/** Test helpers for the tensor commands (imported by *.test.ts only). */
import { SeededRng } from '../../shared/effects.js';
import { type ApplyEnv, Keyspace } from '../../store/keyspace.js';
import { encodeTensor } from '../../store/codecs/tensor.js';
import { Tensor } from '../../tensor/tensor.js';
import type { Reply } from '../reply.js';
import type { DataCommandSpec } from '../spec.js';
import { tensorCommands } from './index.js';

const table = new Map<string, DataCommandSpec>();
for (const spec of tensorCommands) if (spec.kind === 'data') table.set(spec.name, spec);

export const ENV: ApplyEnv = { nowMs: 1_000_000, index: 1, rng: new SeededRng(1) };

/** Runs a tensor command as the state machine would (the name is looked up lower-cased). */
export function run(db: Keyspace, ...args: (string | Buffer)[]): Reply {
  const strings = args.map((a) => (typeof a === 'string' ? a : a.toString('latin1')));
  const spec = table.get((strings[0] ?? '').toLowerCase());
  if (spec === undefined) throw new Error(`no tensor command ${strings[0]}`);
  if (spec.arity > 0 ? strings.length !== spec.arity : strings.length < -spec.arity) {
    throw new Error(`arity: the dispatcher would refuse ${strings.join(' ')}`);
  }
  return spec.apply(db, strings, ENV);
}

/** Everything a command could change, as comparable bytes: keys, values and TTLs. */
export function dump(db: Keyspace): string[] {
  const out: string[] = [];
  for (const [key, value] of db.data) {
    const body =
      value instanceof Tensor
        ? Buffer.from(encodeTensor(value)).toString('hex')
        : JSON.stringify(value);
    out.push(`${key}=${body}@${db.expiresAt(key) ?? '-'}`);
  }
  return out.sort();
}

export function newDb(): Keyspace {
  return new Keyspace();
}

export function f32(...values: number[]): Buffer {
  return Buffer.from(new Float32Array(values).buffer);
}
