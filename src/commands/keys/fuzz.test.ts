/**
 * Bad input of any kind, for every keys and strings command: random arguments (within the
 * command's arity, which the dispatcher checks before us) never throw, an error reply never
 * changes the keyspace or signals a change to WATCH, and two state machines fed the same
 * commands answer the same and end in the same state.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SeededRng } from '../../shared/effects.js';
import { HashValue, SetValue } from '../../store/values.js';
import { ErrorReply } from '../reply.js';
import { stringsCommands } from '../strings/index.js';
import { Harness } from './harness.js';
import { keysCommands } from './index.js';

const KEYS = ['s', 'n', 'f', 'h', 'set', 'missing', ''];
const WORDS = [
  '0',
  '1',
  '-1',
  '5',
  '100',
  '1.5',
  '-0',
  '+1',
  'abc',
  '',
  ' 1',
  'inf',
  'nan',
  '1e3',
  '9007199254740993',
  '9223372036854775807',
  '-9223372036854775808',
  '9223372036854775808',
  '18446744073709551616',
  'NX',
  'XX',
  'GT',
  'LT',
  'EX',
  'PX',
  'EXAT',
  'PXAT',
  'KEEPTTL',
  'GET',
  'PERSIST',
  'COUNT',
  'MATCH',
  'TYPE',
  'REPLACE',
  'DB',
  'IDX',
  'LEN',
  'MINMATCHLEN',
  'WITHMATCHLEN',
  'ASYNC',
  'SYNC',
  'ENCODING',
  'FREQ',
  'IDLETIME',
  'REFCOUNT',
  'HELP',
  '*',
  'h*',
  '[a-',
  '\\',
  'string',
  'hash',
  'x\x00\xff',
];

function seed(h: Harness): void {
  h.run('MSET', 's', 'hello', 'n', '42', 'f', '1.5');
  h.run('EXPIRE', 'n', '1000');
  const hash = new HashValue();
  hash.fields.set('field', 'value');
  h.db.put('h', hash);
  const set = new SetValue();
  set.members.add('m');
  h.db.put('set', set);
}

describe('command fuzz (keys and strings)', () => {
  it('errors change nothing, nothing throws, replicas agree', () => {
    const rng = new SeededRng(2024);
    const specs = [...keysCommands, ...stringsCommands];
    const a = new Harness();
    const b = new Harness();
    seed(a);
    seed(b);
    let errors = 0;
    for (let round = 0; round < 6000; round++) {
      const spec = specs[rng.int(specs.length)];
      assert.ok(spec !== undefined);
      const minimum = Math.abs(spec.arity);
      const length = spec.arity > 0 ? spec.arity : minimum + rng.int(5);
      const args = [spec.name.toUpperCase()];
      for (let i = 1; i < length; i++) {
        const pool = rng.int(2) === 0 ? KEYS : WORDS;
        args.push(pool[rng.int(pool.length)] as string);
      }
      const before = a.state();
      const indexes = args.map((arg) => a.db.changeIndex(arg));
      const reply = a.run(...args);
      assert.deepEqual(b.run(...args), reply, `replicas disagree on ${JSON.stringify(args)}`);
      if (reply instanceof ErrorReply) {
        errors++;
        assert.deepEqual(
          a.state(),
          before,
          `${JSON.stringify(args)} -> ${reply.text} changed state`,
        );
        assert.deepEqual(
          args.map((arg) => a.db.changeIndex(arg)),
          indexes,
          `${JSON.stringify(args)} -> ${reply.text} signalled a change`,
        );
      }
      if (a.db.size < 3) {
        seed(a);
        seed(b);
      }
    }
    assert.ok(errors > 1000, `only ${errors} error replies: the fuzz is not probing bad input`);
    assert.deepEqual(a.state(), b.state());
  });
});
