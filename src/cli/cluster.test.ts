import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { CLUSTER_USAGE, CliUsageError, parseClusterArgs, runClusterCli } from './cluster.js';
import { parseDevClusterArgs } from './dev-cluster.js';

/** Runs the CLI as `memlayer cluster ARGV` would, with what it printed. */
async function run(
  argv: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runClusterCli(
    argv,
    (s) => (out += s),
    (s) => (err += s),
    env,
  );
  return { code, out, err };
}

describe('memlayer cluster CLI', () => {
  it('parses commands, flags and defaults', () => {
    assert.deepEqual(parseClusterArgs(['status']), {
      command: 'status',
      args: [],
      admin: '127.0.0.1:7380',
      json: false,
      password: undefined,
    });
    assert.deepEqual(parseClusterArgs(['add', '4', '10.0.0.4:7381', '--admin', 'h:1', '--json']), {
      command: 'add',
      args: ['4', '10.0.0.4:7381'],
      admin: 'h:1',
      json: true,
      password: undefined,
    });
    assert.equal(parseClusterArgs(['--admin=x:2', 'remove', '2']).admin, 'x:2');
    assert.equal(parseClusterArgs(['status', '--admin', 'http://x:2/']).admin, 'x:2');
    assert.equal(parseClusterArgs(['status', '--password', 'p w']).password, 'p w');
    assert.equal(parseClusterArgs(['status', '--password=a=b']).password, 'a=b');
    assert.equal(parseClusterArgs(['status', '--password=']).password, '');
  });

  it('--help anywhere prints the usage and exits 0', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['status', '--help'], ['add', '--help']]) {
      const { code, out, err } = await run(argv);
      assert.equal(code, 0, argv.join(' '));
      assert.equal(out, CLUSTER_USAGE);
      assert.equal(err, '');
    }
  });

  it('rejects bad usage with a clear message and exit code 2', async () => {
    for (const [argv, message] of [
      [['frobnicate'], /unknown cluster command 'frobnicate'/],
      [['add', '4'], /'cluster add' takes 2 argument/],
      [['remove', 'two'], /node id must be an integer from 1 to 4294967295, got 'two'/],
      [['remove', '4294967296'], /node id must be an integer from 1 to 4294967295/],
      [['status', '--admin'], /flag '--admin' needs a value/],
      [['status', '--password'], /flag '--password' needs a value/],
      [['status', '--admin', 'https://h:1'], /--admin takes HOST:PORT, got 'https:\/\/h:1'/],
      [['status', '--json=yes'], /flag '--json' takes no value/],
      [['status', '--bogus'], /unknown flag '--bogus'/],
      [['status', '--bogus=1'], /unknown flag '--bogus'/],
    ] as const) {
      assert.throws(
        () => parseClusterArgs(argv),
        (e: unknown) => e instanceof CliUsageError && message.test(e.message),
      );
      const { code, err } = await run([...argv]);
      assert.equal(code, 2);
      assert.match(err, message);
    }
  });

  it('exits 1 with the URL and the cause when the node cannot be reached', async () => {
    // A port nobody listens on (fetch refuses port 1 itself, without connecting).
    const closed = createTcpServer();
    await new Promise<void>((done) => closed.listen(0, '127.0.0.1', done));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((done) => closed.close(done));
    const { code, err } = await run(['status', '--admin', `127.0.0.1:${port}`]);
    assert.equal(code, 1);
    assert.equal(
      err,
      `memlayer cluster: cannot reach http://127.0.0.1:${port}/v1/cluster: connect ECONNREFUSED 127.0.0.1:${port}\n`,
    );
    assert.doesNotMatch(err, /fetch failed/);
  });

  describe('against admin APIs over HTTP', () => {
    /** Requests the fake nodes saw: node, method, url, authorization. */
    const seen: [string, string, string, string | undefined][] = [];
    const servers: Server[] = [];
    after(() => servers.forEach((server) => server.close()));
    const serve = async (
      name: string,
      answer: (req: IncomingMessage, res: ServerResponse) => void,
    ): Promise<string> => {
      const server = createServer((req, res) => {
        seen.push([name, req.method ?? '', req.url ?? '', req.headers.authorization]);
        answer(req, res);
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      servers.push(server);
      return `127.0.0.1:${(server.address() as AddressInfo).port}`;
    };
    const json = (res: ServerResponse, status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const basic = `Basic ${Buffer.from('default:s3 cret').toString('base64')}`;
    let leader = '';
    let follower = '';
    let leaderless = '';

    // A leader that wants the password, a follower that redirects to it, a node without a leader.
    before(async () => {
      leader = await serve('leader', (req, res) => {
        if (req.headers.authorization !== basic)
          return json(res, 401, { error: { code: 'ERR_UNAUTHORIZED', message: 'nope' } });
        json(res, 201, { id: 4, role: 'learner' });
      });
      follower = await serve('follower', (_req, res) =>
        json(res, 421, {
          error: {
            code: 'ERR_NOT_LEADER',
            message: 'ask 1',
            leader: 1,
            leaderAdminAddress: leader,
          },
        }),
      );
      leaderless = await serve('leaderless', (_req, res) =>
        json(res, 200, {
          id: 2,
          role: 'preCandidate',
          leader: 0,
          leaderRespAddress: '',
          members: [],
        }),
      );
    });

    it('sends --password, and again to the leader a 421 names', async () => {
      seen.length = 0;
      const r = await run([
        'add',
        '4',
        '10.0.0.4:7381',
        '--admin',
        follower,
        '--password',
        's3 cret',
      ]);
      assert.equal(r.code, 0, r.err);
      assert.deepEqual(JSON.parse(r.out), { id: 4, role: 'learner' });
      // Node's fetch (undici) itself repeats a request answered 421 once: count nodes, not requests.
      assert.deepEqual(
        [...new Set(seen.map((r) => r.join(' ')))],
        [`follower POST /v1/cluster/members ${basic}`, `leader POST /v1/cluster/members ${basic}`],
      );
      assert.equal(seen.filter(([node]) => node === 'leader').length, 1);
    });

    it('takes the password from MEMLAYER_PASSWORD; --password wins over it', async () => {
      const fromEnv = await run(['remove', '4', '--admin', follower], {
        MEMLAYER_PASSWORD: 's3 cret',
      });
      assert.equal(fromEnv.code, 0, fromEnv.err);
      const flagWins = await run(['remove', '4', '--admin', follower, '--password', 'bad'], {
        MEMLAYER_PASSWORD: 's3 cret',
      });
      assert.equal(flagWins.code, 1);
    });

    it('a 401 exits 1 and says how to give the password', async () => {
      seen.length = 0;
      const r = await run(['transfer', '2', '--admin', leader]);
      assert.equal(r.code, 1);
      assert.match(
        r.err,
        /ERR_UNAUTHORIZED: nope \(give the password with --password or MEMLAYER_PASSWORD\)/,
      );
      assert.deepEqual(seen, [['leader', 'POST', '/v1/cluster/leader', undefined]]);
    });

    it('status without a leader says so', async () => {
      const r = await run(['status', '--admin', leaderless]);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^node 2 \(preCandidate\), no leader$/m);
      assert.doesNotMatch(r.out, /leader 0 at/);
    });
  });

  it('dev-cluster flags', () => {
    assert.deepEqual(parseDevClusterArgs([]), { nodes: 3, dir: './data/dev-cluster' });
    assert.deepEqual(parseDevClusterArgs(['--nodes', '5', '--dir', '/tmp/x']), {
      nodes: 5,
      dir: '/tmp/x',
    });
    assert.equal(parseDevClusterArgs(['--help']), 'help');
    assert.deepEqual(parseDevClusterArgs(['--nodes=5', '--dir=/tmp/x']), {
      nodes: 5,
      dir: '/tmp/x',
    });
    assert.throws(() => parseDevClusterArgs(['--nodes', '0']), /--nodes must be 1 to 9/);
    assert.throws(() => parseDevClusterArgs(['--nodes=10']), /--nodes must be 1 to 9, got '10'/);
    assert.throws(() => parseDevClusterArgs(['--what']), /unknown flag '--what'/);
    assert.throws(() => parseDevClusterArgs(['stray']), /unexpected argument 'stray'/);
    assert.throws(() => parseDevClusterArgs(['--dir']), /flag '--dir' needs a value/);
    assert.throws(() => parseDevClusterArgs(['--nodes']), /flag '--nodes' needs a value/);
    assert.throws(() => parseDevClusterArgs(['--dir=']), /--dir needs a directory/);
  });
});
