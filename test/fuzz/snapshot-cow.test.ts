/**
 * Copy-on-write snapshots (src/store/snapshot.ts SnapshotWriter): a snapshot captured at one
 * moment and encoded step by step while random commands of every family keep changing the
 * keyspace must be byte for byte the snapshot encoded in one go at that moment. Any handler
 * that changed a collection in place without taking it through Keyspace.getForWrite shows up
 * here as a difference.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCommandTable } from '../../src/commands/registry.js';
import { envFor, StateMachine } from '../../src/commands/state-machine.js';
import { SeededRng } from '../../src/shared/effects.js';
import { CommandGenerator } from './diff-commands.js';

const table = buildCommandTable();
const T0_MS = 1_700_000_000_000;

/** Tensor writes, which the generator does not make. */
const TENSOR_COMMANDS: readonly (readonly string[])[] = [
  ['TENSOR.SET', 't1', 'float32', '4', 'VALUES', '1', '2', '3', '4'],
  ['TENSOR.SET', 't2', 'float32', '4', 'VALUES', '5', '6', '7', '8'],
  ['TENSOR.ADD', 't1', 't1', 't2'],
  ['TENSOR.SCALE', 't2', 't2', '0.5'],
  ['TENSOR.SETSLICE', 't1', '1', 'VALUES', '9', '9'],
];

function runner(sm: StateMachine, seed: number): () => void {
  const rng = new SeededRng(seed);
  const generator = new CommandGenerator(rng);
  let index = 0;
  return () => {
    const args =
      rng.int(20) === 0
        ? [...(TENSOR_COMMANDS[rng.int(TENSOR_COMMANDS.length)] ?? [])]
        : generator.next().args;
    const spec = table.get((args[0] ?? '').toLowerCase());
    // The dispatcher's checks: the state machine takes well-formed data commands only.
    if (spec === undefined || spec.kind !== 'data' || spec.name.startsWith('__')) return;
    if (spec.arity >= 0 ? args.length !== spec.arity : args.length < -spec.arity) return;
    index++;
    sm.applyOne(args, envFor(index, T0_MS + index));
  };
}

test('a snapshot encoded while commands run equals the one encoded at its capture', () => {
  let copiesSeen = 0;
  for (let seed = 1; seed <= 150; seed++) {
    const sm = new StateMachine(table);
    const step = runner(sm, seed);
    for (let i = 0; i < 300; i++) step();
    const head = Buffer.from('framing before the image');
    const steps = sm.snapshotChunks(head, 16);
    const expected = Buffer.concat([head, sm.encodeSnapshot()]);
    const chunks: Buffer[] = [];
    let turns = 0;
    for (let r = steps.next(); r.done !== true; r = steps.next()) {
      // A chunk is valid until the next step, and commands run before it.
      if (r.value !== undefined) chunks.push(Buffer.from(r.value));
      turns++;
      for (let i = 0; i < 3; i++) step();
    }
    assert.ok(turns > 5, `seed ${seed}: encoded in ${turns} steps`);
    const got = Buffer.concat(chunks);
    assert.ok(got.equals(expected), `seed ${seed}: the snapshot changed while it was encoded`);
    // The live state moved on meanwhile (the check would be empty otherwise).
    if (!Buffer.from(sm.encodeSnapshot()).equals(expected)) copiesSeen++;
  }
  assert.ok(copiesSeen > 100, `only ${copiesSeen} seeds changed the state while encoding`);
});
