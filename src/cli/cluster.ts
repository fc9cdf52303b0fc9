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
 * leader's admin address, and the request is sent there once (with the same password).
 */
import { basicAuthorization } from '../admin/auth.js';
import { NODE_ID_MAX } from '../shared/brand.js';

/** Where the CLI reads the password when --password is not given (redis-cli: REDISCLI_AUTH). */
export const PASSWORD_ENV = 'MEMLAYER_PASSWORD';

export const CLUSTER_USAGE = `Usage: memlayer cluster COMMAND [--admin HOST:PORT] [--password PASS] [--json]

Commands:
  status                 show the cluster as this node sees it
  add ID PEER_ADDRESS    add node ID (its peer gRPC address, e.g. 10.0.0.4:7381)
  remove ID              remove node ID
  transfer ID            move leadership to node ID
  ready                  exit 0 if the node is ready (has a leader, caught up), 1 if not
  help                   show this help (also --help)

--admin defaults to 127.0.0.1:7380 (the node's REST admin API).
--password is the servers' --requirepass; without it, ${PASSWORD_ENV} is used. Prefer the
environment variable: a command line is visible to other users (ps).
Exit codes: 0 done, 1 refused or unreachable, 2 bad usage.
`;

interface Parsed {
  readonly command: string;
  readonly args: readonly string[];
  readonly admin: string;
  readonly json: boolean;
  /** From --password; undefined: use the environment. */
  readonly password: string | undefined;
}

export class CliUsageError extends Error {}

const FLAGS_WITH_VALUE = ['--admin', '--password'] as const;

/** HOST:PORT, also accepted as http://HOST:PORT[/] (what dev-cluster prints). */
function adminAddress(text: string): string {
  const address = text.replace(/^http:\/\//i, '').replace(/\/$/, '');
  if (!/^[A-Za-z0-9.\-[\]:]+:[0-9]{1,5}$/.test(address))
    throw new CliUsageError(`--admin takes HOST:PORT, got '${text}'`);
  return address;
}

export function parseClusterArgs(argv: readonly string[]): Parsed {
  let admin = '127.0.0.1:7380';
  let json = false;
  let password: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    const equals = a.indexOf('=');
    const name = a.startsWith('--') && equals !== -1 ? a.slice(0, equals) : a;
    if (a === '--help' || a === '-h') return { command: 'help', args: [], admin, json, password };
    if (a === '--json') json = true;
    else if (name === '--json') throw new CliUsageError("flag '--json' takes no value");
    else if ((FLAGS_WITH_VALUE as readonly string[]).includes(name)) {
      const v = name !== a ? a.slice(equals + 1) : argv[++i];
      if (v === undefined) throw new CliUsageError(`flag '${name}' needs a value`);
      if (name === '--admin') admin = adminAddress(v);
      else password = v;
    } else if (a.startsWith('--')) throw new CliUsageError(`unknown flag '${name}'`);
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
  const id = args[0] ?? '';
  if (
    (command === 'add' || command === 'remove' || command === 'transfer') &&
    !(/^[1-9][0-9]{0,9}$/.test(id) && Number(id) <= NODE_ID_MAX)
  )
    throw new CliUsageError(`node id must be an integer from 1 to ${NODE_ID_MAX}, got '${id}'`);
  return { command, args, admin, json, password };
}

/** A request that got no HTTP answer: the URL and the underlying cause (fetch says only "fetch failed"). */
export class UnreachableError extends Error {
  constructor(
    readonly url: string,
    cause: unknown,
  ) {
    super(`cannot reach ${url}: ${describeCause(cause)}`);
  }
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  if (cause instanceof Error && cause.message !== '') return cause.message;
  if (error.name === 'TimeoutError') return 'no answer in time';
  return error.message;
}

interface Answer {
  readonly status: number;
  readonly body: Record<string, unknown>;
}

/** What every request carries: the method, its path and body, and the password ('' = none). */
interface Call {
  readonly method: string;
  readonly path: string;
  readonly body?: unknown;
  readonly password: string;
}

async function request(admin: string, call: Call): Promise<Answer> {
  const headers: Record<string, string> = {};
  const init: RequestInit = { method: call.method, signal: AbortSignal.timeout(15_000), headers };
  if (call.body !== undefined) {
    init.body = JSON.stringify(call.body);
    headers['content-type'] = 'application/json';
  }
  if (call.password !== '') headers['authorization'] = basicAuthorization(call.password);
  const url = `http://${admin}${call.path}`;
  let res: Response;
  let text: string;
  try {
    res = await fetch(url, init);
    text = await res.text();
  } catch (error) {
    throw new UnreachableError(url, error);
  }
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = { text };
  }
  return { status: res.status, body: parsed };
}

/** Sends to `admin`; on ERR_NOT_LEADER, once more to the leader it names. */
async function toLeader(admin: string, call: Call): Promise<Answer> {
  const first = await request(admin, call);
  const err = first.body['error'] as Record<string, unknown> | undefined;
  const leader = err?.['leaderAdminAddress'];
  if (err?.['code'] === 'ERR_NOT_LEADER' && typeof leader === 'string' && leader !== '')
    return request(leader, call);
  return first;
}

function formatStatus(v: Record<string, unknown>): string {
  const leader =
    v['leader'] === 0 || v['leader'] === undefined
      ? 'no leader'
      : `leader ${String(v['leader'])} at ${String(v['leaderRespAddress'])}`;
  const lines = [
    `node ${String(v['id'])} (${String(v['role'])}), ${leader}`,
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
  env: NodeJS.ProcessEnv = process.env,
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
    a = await dispatch(p, p.password ?? env[PASSWORD_ENV] ?? '');
  } catch (e) {
    if (!(e instanceof UnreachableError)) throw e;
    err(`memlayer cluster: ${e.message}\n`);
    return 1;
  }
  if (a.status >= 400) {
    const e = a.body['error'] as Record<string, unknown> | undefined;
    const hint = a.status === 401 ? ` (give the password with --password or ${PASSWORD_ENV})` : '';
    err(
      `memlayer cluster: ${String(e?.['code'] ?? a.status)}: ${String(e?.['message'] ?? '')}${hint}\n`,
    );
    return 1;
  }
  out(p.json || p.command !== 'status' ? JSON.stringify(a.body) + '\n' : formatStatus(a.body));
  return 0;
}

function dispatch(p: Parsed, password: string): Promise<Answer> {
  const id = Number(p.args[0]);
  switch (p.command) {
    case 'status':
      return request(p.admin, { method: 'GET', path: '/v1/cluster', password });
    case 'ready':
      return request(p.admin, { method: 'GET', path: '/readyz', password });
    case 'add':
      return toLeader(p.admin, {
        method: 'POST',
        path: '/v1/cluster/members',
        body: { id, peerAddress: p.args[1] },
        password,
      });
    case 'remove':
      return toLeader(p.admin, { method: 'DELETE', path: `/v1/cluster/members/${id}`, password });
    default:
      return toLeader(p.admin, {
        method: 'POST',
        path: '/v1/cluster/leader',
        body: { id },
        password,
      });
  }
}
