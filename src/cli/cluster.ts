/**
 * `memlayer cluster ...`: a small client of the REST admin API (src/admin/server.ts).
 *
 *   memlayer cluster status              [--admin HOST:PORT] [--json]
 *   memlayer cluster add ID PEER_ADDR    add a node (as a learner; promoted once caught up)
 *   memlayer cluster remove ID
 *   memlayer cluster transfer ID         make ID the leader
 *   memlayer cluster ready               exit 0 when the node is ready (GET /readyz)
 *
 * Membership changes must reach the leader: a follower answers ERR_NOT_LEADER with the
 * leader's admin address, and the request is sent there once.
 */

export const CLUSTER_USAGE = `Usage: memlayer cluster COMMAND [--admin HOST:PORT] [--json]

Commands:
  status                 show the cluster as this node sees it
  add ID PEER_ADDRESS    add node ID (its peer gRPC address, e.g. 10.0.0.4:7381)
  remove ID              remove node ID
  transfer ID            move leadership to node ID
  ready                  exit 0 if the node is ready (has a leader, caught up), 1 if not

--admin defaults to 127.0.0.1:7380 (the node's REST admin API).
`;

interface Parsed {
  readonly command: string;
  readonly args: readonly string[];
  readonly admin: string;
  readonly json: boolean;
}

export class CliUsageError extends Error {}

export function parseClusterArgs(argv: readonly string[]): Parsed {
  let admin = '127.0.0.1:7380';
  let json = false;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--json') json = true;
    else if (a === '--admin') {
      const v = argv[++i];
      if (v === undefined) throw new CliUsageError("flag '--admin' needs a value");
      admin = v;
    } else if (a.startsWith('--admin=')) admin = a.slice('--admin='.length);
    else if (a.startsWith('--')) throw new CliUsageError(`unknown flag '${a}'`);
    else rest.push(a);
  }
  const [command = 'help', ...args] = rest;
  const arity: Record<string, number> = {
    status: 0,
    add: 2,
    remove: 1,
    transfer: 1,
    ready: 0,
    help: 0,
  };
  const want = arity[command];
  if (want === undefined) throw new CliUsageError(`unknown cluster command '${command}'`);
  if (args.length !== want)
    throw new CliUsageError(`'cluster ${command}' takes ${want} argument(s)`);
  if (
    (command === 'add' || command === 'remove' || command === 'transfer') &&
    !/^[1-9][0-9]{0,9}$/.test(args[0] ?? '')
  )
    throw new CliUsageError(`node id must be a positive integer, got '${args[0] ?? ''}'`);
  return { command, args, admin, json };
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

async function request(
  admin: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const init: RequestInit = { method, signal: AbortSignal.timeout(15_000) };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await fetch(`http://${admin}${path}`, init);
  const text = await res.text();
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed };
}

/** Sends to `admin`; on ERR_NOT_LEADER, once more to the leader it names. */
async function toLeader(
  admin: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const first = await request(admin, method, path, body);
  const err = first.body['error'] as Record<string, unknown> | undefined;
  const leader = err?.['leaderAdminAddress'];
  if (err?.['code'] === 'ERR_NOT_LEADER' && typeof leader === 'string' && leader !== '')
    return request(leader, method, path, body);
  return first;
}

function formatStatus(v: Record<string, unknown>): string {
  const lines = [
    `node ${String(v['id'])} (${String(v['role'])}), leader ${String(v['leader'])} at ${String(v['leaderRespAddress'])}`,
    `term ${String(v['term'])}  commit ${String(v['commit'])}  applied ${String(v['applied'])}  log ${String(v['firstIndex'])}..${String(v['lastIndex'])}  snapshot ${String(v['snapshotIndex'])}`,
    'ID  ROLE     RESP                   PEER                   ADMIN                  LINK   MATCH',
  ];
  for (const m of (v['members'] as Record<string, unknown>[] | undefined) ?? []) {
    const link = m['self'] === true ? 'self' : m['connected'] === true ? 'up' : 'down';
    lines.push(
      [
        String(m['id']).padEnd(3),
        String(m['role']).padEnd(8),
        String(m['respAddress']).padEnd(22),
        String(m['peerAddress']).padEnd(22),
        String(m['adminAddress']).padEnd(22),
        link.padEnd(6),
        m['match'] === undefined ? '-' : String(m['match']),
      ].join(' '),
    );
  }
  return lines.join('\n') + '\n';
}

/** Runs `memlayer cluster ...`; resolves with the exit code. */
export async function runClusterCli(
  argv: readonly string[],
  out: (s: string) => void = (s) => process.stdout.write(s),
  err: (s: string) => void = (s) => process.stderr.write(s),
): Promise<number> {
  let p: Parsed;
  try {
    p = parseClusterArgs(argv);
  } catch (e) {
    if (!(e instanceof CliUsageError)) throw e;
    err(`memlayer cluster: ${e.message}\n${CLUSTER_USAGE}`);
    return 2;
  }
  if (p.command === 'help') {
    out(CLUSTER_USAGE);
    return 0;
  }
  let a: Answer;
  try {
    a = await dispatch(p);
  } catch (e) {
    err(
      `memlayer cluster: cannot reach ${p.admin}: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    return 1;
  }
  if (a.status >= 400) {
    const e = a.body['error'] as Record<string, unknown> | undefined;
    err(`memlayer cluster: ${String(e?.['code'] ?? a.status)}: ${String(e?.['message'] ?? '')}\n`);
    return 1;
  }
  out(p.json || p.command !== 'status' ? JSON.stringify(a.body) + '\n' : formatStatus(a.body));
  return 0;
}

function dispatch(p: Parsed): Promise<Answer> {
  const id = Number(p.args[0]);
  switch (p.command) {
    case 'status':
      return request(p.admin, 'GET', '/v1/cluster');
    case 'ready':
      return request(p.admin, 'GET', '/readyz');
    case 'add':
      return toLeader(p.admin, 'POST', '/v1/cluster/members', { id, peerAddress: p.args[1] });
    case 'remove':
      return toLeader(p.admin, 'DELETE', `/v1/cluster/members/${id}`);
    default:
      return toLeader(p.admin, 'POST', '/v1/cluster/leader', { id });
  }
}
