/**
 * The replication flags' rules: `--peers`/`--routes` lists, how `--id`, `--join`, `--peer-port`,
 * `--bind` and `--advertise` combine, and the MEMLAYER_RAFT_* environment. Checked when the
 * options are resolved, before anything is opened or bound, so a bad value exits 2 like any
 * other bad flag (src/main.ts); src/replication/runtime.ts applies the same rules to what it is
 * given. Everything here throws ConfigError.
 */
import { hostname } from 'node:os';
import { isIPv4, isIPv6 } from 'node:net';
import { NODE_ID_MAX, nodeId, type NodeId } from '../shared/brand.js';
import type { AddressBook } from '../replication/snapshot-frame.js';
import { ConfigError, DEFAULT_OPTIONS, type ServerOptions } from './config.js';

/** Parses `--peers` (or `--routes`): `ID=HOST:PORT,...`; the error names the bad item. */
export function parsePeers(text: string, flag = '--peers'): AddressBook {
  const book: AddressBook = new Map();
  if (text.trim() === '') return book;
  for (const item of text.split(',')) {
    const m = /^\s*([1-9][0-9]{0,9})=([A-Za-z0-9.\-[\]:]+:[0-9]{1,5})\s*$/.exec(item);
    if (m === null) throw new ConfigError(`${flag}: '${item}' is not ID=HOST:PORT`);
    const id = nodeId(Number(m[1]));
    if (id > NODE_ID_MAX) throw new ConfigError(`${flag}: node id ${id} out of range`);
    if (book.has(id)) throw new ConfigError(`${flag}: node ${id} listed twice`);
    const address = m[2] ?? '';
    const port = portOf(address);
    if (port < 1 || port > 65535)
      throw new ConfigError(`${flag}: node ${id}'s port ${port} is not from 1 to 65535`);
    book.set(id, address);
  }
  return book;
}

/**
 * True for an address that means "every interface" (0.0.0.0, ::). A node may listen on it but
 * cannot be reached at it: told to another machine, it names that machine itself.
 */
export function isWildcardHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (isIPv4(bare)) return bare === '0.0.0.0';
  return isIPv6(bare) && /^[0:]+$/.test(bare);
}

/**
 * The host this node tells peers and clients to use (leader addresses, -MOVED, the admin API's
 * redirects, a lone node's own peer address): `--advertise`, else `--bind`. A wildcard bind
 * names no reachable host; a lone node then gives its host name (a container's name on its
 * network), and a cluster member never gets here (checkReplication refuses it).
 */
export function advertisedHost(
  options: Pick<ServerOptions, 'bind' | 'advertise'>,
  hostName: string = hostname(),
): string {
  if (options.advertise !== '') return options.advertise;
  return isWildcardHost(options.bind) ? hostName : options.bind;
}

/** What checkReplication needs: the replication flags, ports as given (undefined: default). */
export interface ReplicationFlags {
  readonly id: number;
  readonly peers: string;
  readonly routes?: string;
  readonly join: boolean;
  readonly bind: string;
  readonly advertise: string;
  /** -1: none; undefined: not given (the port --peers lists, else the default). */
  readonly peerPort: number | undefined;
  readonly dataDir: string;
}

export interface ReplicationPlan {
  /** The members of a new cluster (empty for a lone node). */
  readonly members: AddressBook;
  readonly routes: AddressBook;
  /** This node's entry in `members`, if it has one. */
  readonly ownPeer: string | undefined;
}

/** The combination of replication flags; returns the parsed lists. */
export function checkReplication(f: ReplicationFlags): ReplicationPlan {
  if (!Number.isSafeInteger(f.id) || f.id <= 0 || f.id > NODE_ID_MAX)
    throw new ConfigError(`--id must be an integer from 1 to ${NODE_ID_MAX}, got ${f.id}`);
  if (f.dataDir === '')
    throw new ConfigError(
      '--durability fsync needs a --data-dir for the Raft log (only --durability memory runs without one)',
    );
  const members = parsePeers(f.peers);
  const routes = parsePeers(f.routes ?? '', '--routes');
  const id: NodeId = nodeId(f.id);
  const ownPeer = members.get(id);
  if (members.size > 0 && ownPeer === undefined && !f.join)
    throw new ConfigError(
      `--id ${f.id} is not in --peers (to join an existing cluster, add --join)`,
    );
  // A joining node learns the leader from the members it dials; with none it would wait for
  // ever, ready but never part of the cluster.
  if (f.join && ![...members.keys()].some((member) => member !== id))
    throw new ConfigError(
      '--join needs --peers naming the members it can reach (e.g. --peers 1=10.0.0.1:7381,2=10.0.0.2:7381)',
    );
  const inCluster = members.size > 1 || f.join;
  if (inCluster && f.peerPort === -1)
    throw new ConfigError('a cluster member needs a --peer-port (it is none)');
  // A listed address is where the others dial this node: it listens on that port, and a
  // different --peer-port would be a second answer to the same question.
  if (ownPeer !== undefined && f.peerPort !== undefined && f.peerPort !== portOf(ownPeer))
    throw new ConfigError(
      `--peer-port ${f.peerPort === -1 ? 'none' : f.peerPort} conflicts with --peers, which lists node ${f.id} at ${ownPeer}: give one port (or drop --peer-port)`,
    );
  checkAdvertised(f, members, inCluster);
  return { members, routes, ownPeer };
}

/** As etcd requires advertise URLs: a cluster member must name an address others can reach. */
function checkAdvertised(f: ReplicationFlags, members: AddressBook, inCluster: boolean): void {
  if (f.advertise !== '' && isWildcardHost(f.advertise))
    throw new ConfigError(`--advertise ${f.advertise} is not an address others can reach`);
  for (const [id, address] of members)
    if (isWildcardHost(hostOf(address)))
      throw new ConfigError(
        `--peers: node ${id}'s address ${address} is not an address others can reach`,
      );
  if (inCluster && f.advertise === '' && isWildcardHost(f.bind))
    throw new ConfigError(
      `--advertise is required with --bind ${f.bind} in a cluster: leader addresses, -MOVED and redirects would name ${f.bind}`,
    );
}

/**
 * Flags that only replication reads, set away from their defaults: with `--durability memory`
 * (no Raft, one node) they would be ignored, so they are refused instead.
 */
export function replicationFlagsGiven(options: ServerOptions): string[] {
  const given: string[] = [];
  if (options.peers !== DEFAULT_OPTIONS.peers) given.push('--peers');
  if (options.routes !== DEFAULT_OPTIONS.routes) given.push('--routes');
  if (options.join) given.push('--join');
  if (options.nodeId !== DEFAULT_OPTIONS.nodeId) given.push('--id');
  if (options.clusterName !== DEFAULT_OPTIONS.clusterName) given.push('--cluster');
  if (options.advertise !== DEFAULT_OPTIONS.advertise) given.push('--advertise');
  // `none` agrees with a node that has no peers.
  if (options.peerPort !== undefined && options.peerPort !== -1) given.push('--peer-port');
  if (options.redirect !== DEFAULT_OPTIONS.redirect) given.push('--moved');
  return given;
}

/**
 * Checks what limitsFor does not: the replication flags and environment under `fsync`, their
 * absence under `memory`. Called before anything starts; throws ConfigError.
 */
export function checkServerOptions(options: ServerOptions, env: NodeJS.ProcessEnv): void {
  if (options.durability === 'memory') {
    const given = replicationFlagsGiven(options);
    if (given.length > 0)
      throw new ConfigError(
        `${given.join(', ')}: replication needs --durability fsync (--durability memory runs one node without Raft)`,
      );
    return;
  }
  checkReplication({
    id: options.nodeId,
    peers: options.peers,
    routes: options.routes,
    join: options.join,
    bind: options.bind,
    advertise: options.advertise,
    peerPort: options.peerPort,
    dataDir: options.dataDir,
  });
  tuningFromEnv(env);
}

export interface Tuning {
  tickMs?: number;
  electionTicks?: number;
  snapshotEntries?: number;
  trailingEntries?: number;
  trailingBytes?: number;
  requestTimeoutMs?: number;
}

/**
 * Tuning knobs read from the environment (tests shorten timeouts with them; operators rarely
 * need them): MEMLAYER_RAFT_TICK_MS, MEMLAYER_RAFT_ELECTION_TICKS, MEMLAYER_RAFT_SNAPSHOT_ENTRIES,
 * MEMLAYER_RAFT_TRAILING_ENTRIES, MEMLAYER_RAFT_TRAILING_BYTES, MEMLAYER_REQUEST_TIMEOUT_MS. A
 * bad value is a configuration error.
 */
export function tuningFromEnv(env: NodeJS.ProcessEnv): Tuning {
  const read = (name: string, min: number, max: number): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw === '') return undefined;
    const v = Number(raw);
    if (!Number.isSafeInteger(v) || v < min || v > max)
      throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got '${raw}'`);
    return v;
  };
  const out: Tuning = {};
  const tick = read('MEMLAYER_RAFT_TICK_MS', 5, 10_000);
  if (tick !== undefined) out.tickMs = tick;
  const election = read('MEMLAYER_RAFT_ELECTION_TICKS', 2, 1000);
  if (election !== undefined) out.electionTicks = election;
  const snap = read('MEMLAYER_RAFT_SNAPSHOT_ENTRIES', 10, 100_000_000);
  if (snap !== undefined) out.snapshotEntries = snap;
  const trailing = read('MEMLAYER_RAFT_TRAILING_ENTRIES', 0, 100_000_000);
  if (trailing !== undefined) out.trailingEntries = trailing;
  const trailingBytes = read('MEMLAYER_RAFT_TRAILING_BYTES', 0, 2 ** 40);
  if (trailingBytes !== undefined) out.trailingBytes = trailingBytes;
  const timeout = read('MEMLAYER_REQUEST_TIMEOUT_MS', 100, 3_600_000);
  if (timeout !== undefined) out.requestTimeoutMs = timeout;
  return out;
}

/** `host:port` -> port (the last colon's; `[::1]:7381` -> 7381). */
export function portOf(address: string): number {
  return Number(address.slice(address.lastIndexOf(':') + 1));
}

function hostOf(address: string): string {
  return address.slice(0, address.lastIndexOf(':'));
}
