import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CliUsageError, parseClusterArgs, runClusterCli } from './cluster.js';
import { parseDevClusterArgs } from './dev-cluster.js';

describe('memlayer cluster CLI', () => {
  it('parses commands, flags and defaults', () => {
    assert.deepEqual(parseClusterArgs(['status']), {
      command: 'status',
      args: [],
      admin: '127.0.0.1:7380',
      json: false,
    });
    assert.deepEqual(parseClusterArgs(['add', '4', '10.0.0.4:7381', '--admin', 'h:1', '--json']), {
      command: 'add',
      args: ['4', '10.0.0.4:7381'],
      admin: 'h:1',
      json: true,
    });
    assert.equal(parseClusterArgs(['--admin=x:2', 'remove', '2']).admin, 'x:2');
  });

  it('rejects bad usage with a clear message and exit code 2', async () => {
    for (const [argv, message] of [
      [['frobnicate'], /unknown cluster command 'frobnicate'/],
      [['add', '4'], /'cluster add' takes 2 argument/],
      [['remove', 'two'], /node id must be a positive integer, got 'two'/],
      [['status', '--admin'], /flag '--admin' needs a value/],
      [['status', '--bogus'], /unknown flag '--bogus'/],
    ] as const) {
      assert.throws(
        () => parseClusterArgs(argv),
        (e: unknown) => e instanceof CliUsageError && message.test(e.message),
      );
      let err = '';
      assert.equal(
        await runClusterCli(
          argv,
          () => undefined,
          (s) => (err += s),
        ),
        2,
      );
      assert.match(err, message);
    }
  });

  it('exits 1 with the address when the node cannot be reached', async () => {
    let err = '';
    const code = await runClusterCli(
      ['status', '--admin', '127.0.0.1:1'],
      () => undefined,
      (s) => (err += s),
    );
    assert.equal(code, 1);
    assert.match(err, /cannot reach 127\.0\.0\.1:1/);
  });

  it('dev-cluster flags', () => {
    assert.deepEqual(parseDevClusterArgs([]), { nodes: 3, dir: './data/dev-cluster' });
    assert.deepEqual(parseDevClusterArgs(['--nodes', '5', '--dir', '/tmp/x']), {
      nodes: 5,
      dir: '/tmp/x',
    });
    assert.equal(parseDevClusterArgs(['--help']), 'help');
    assert.throws(() => parseDevClusterArgs(['--nodes', '0']), /--nodes must be 1 to 9/);
    assert.throws(() => parseDevClusterArgs(['--what']), /unexpected argument '--what'/);
  });
});
