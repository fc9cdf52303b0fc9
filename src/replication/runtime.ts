/**
 * What `memlayer server --durability fsync` adds to a node: the replication host (Raft log in
 * `<data-dir>/raft`, peers over gRPC), its Executor, the REST admin server, and the INFO
 * `replication` and `raft` sections. src/main.ts calls `startReplication` and uses the
 * executor in place of the local one; everything else about the server stays the same.
 */
import type { FastifyInstance } from 'fastify';
import type { InfoRegistry } from '../commands/context.js';
import type { Executor } from '../commands/executor.js';
import type { NodeId } from '../raft/types.js';
import { nodeId } from '../shared/brand.js';
import { SeededRng, type Clock } from '../shared/effects.js';
import { buildAdminServer, type AdminOptions } from '../admin/server.js';
import { testHookRoutes, type SkewableClock } from '../admin/test-hooks.js';
import type { Applier } from './group.js';
import { ReplicationHost, type Logger } from './host.js';
import { advertisedHost, checkReplication, portOf, tuningFromEnv } from '../config/replication.js';

export interface ReplicationSettings {
  /** This node's id (> 0). */
  readonly id: number;
  /** `1=host:port,2=host:port,...`: the members of a new cluster ('' for a lone node). */
  readonly peers: string;
  /**
   * `4=host:port,...`: where this node dials those peers, whatever address the membership holds
   * for them (NAT, a proxy in front of a peer, the fault-injection harness). Optional; '' = none.
   */
  readonly routes?: string;
  /** Wait to be added to an existing cluster instead of bootstrapping one. */
  readonly join: boolean;
  readonly cluster: string;
  /**
   * Address to listen on for RESP, admin and peers; also advertised unless `advertise` is set
   * (a wildcard bind: src/config/replication.ts `advertisedHost`).
   */
  readonly bind: string;
  readonly advertise: string;
  readonly respPort: number;
  /** 0: any free port; -1: no admin server. */
  readonly adminPort: number;
  /**
   * 0: any free port; -1: no peer listener (a lone node that will never grow); undefined: the
   * port `peers` lists for this node, else `peerPortDefault`. A given port must agree with it.
   */
  readonly peerPort: number | undefined;
  readonly peerPortDefault: number;
  readonly redirect: 'forward' | 'moved';
  readonly dataDir: string;
}

export interface Replication {
  readonly host: ReplicationHost;
  readonly executor: Executor;
  readonly admin: FastifyInstance | undefined;
  readonly adminAddress: string;
  /** Registers INFO `replication` (Redis' fields) and `raft` (RedisRaft-style). */
  registerInfo(info: InfoRegistry): void;
  close(): Promise<void>;
}

export interface ReplicationDeps {
  readonly applier: Applier;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly plugins?: AdminOptions['plugins'];
  readonly extraMetrics?: () => string;
  /** The live `requirepass` ('' = none): the admin API asks for it on all but its probes. */
  readonly password?: () => string;
  /** Fault-injection routes for the consistency harness (MEMLAYER_TEST_HOOKS=1 only). */
  readonly testHooks?: { readonly clock: SkewableClock };
}

export async function startReplication(
  s: ReplicationSettings,
  deps: ReplicationDeps,
): Promise<Replication> {
  // main.ts has checked these already (exit 2); a bad combination here is refused the same way.
  const { members, routes, ownPeer } = checkReplication(s);
  const id = nodeId(s.id);
  const advertise = advertisedHost(s);
  // A listed address is where the others dial us: listen on its port.
  const peerPort = ownPeer === undefined ? (s.peerPort ?? s.peerPortDefault) : portOf(ownPeer);
  const host = await ReplicationHost.start({
    id,
    dataDir: s.dataDir,
    cluster: s.cluster,
    members,
    routes,
    join: s.join,
    peerListen: peerPort < 0 ? undefined : { host: s.bind, port: peerPort },
    ...(ownPeer === undefined ? { peerAdvertiseHost: advertise } : { peerAdvertise: ownPeer }),
    respAddress: `${advertise}:${s.respPort}`,
    adminAddress: '',
    applier: deps.applier,
    redirect: s.redirect,
    clock: deps.clock,
    rng: new SeededRng((Date.now() ^ (s.id * 0x9e3779b1)) >>> 0),
    logger: deps.logger,
    ...tuningFromEnv(process.env),
  });
  const executor = host.executor();
  let admin: FastifyInstance | undefined;
  let adminAddress = '';
  try {
    if (s.adminPort >= 0) {
      const hooks = deps.testHooks;
      const plugins = [
        ...(deps.plugins ?? []),
        ...(hooks === undefined
          ? []
          : [
              testHookRoutes({
                clock: hooks.clock,
                armCrashBeforeSync: (crash) => (host.log.beforeSyncedWrite = crash),
              }),
            ]),
      ];
      admin = await buildAdminServer({
        host,
        executor,
        plugins,
        ...(deps.extraMetrics === undefined ? {} : { extraMetrics: deps.extraMetrics }),
        ...(deps.password === undefined ? {} : { password: deps.password }),
      });
      await admin.listen({ host: s.bind, port: s.adminPort });
      const addr = admin.server.address();
      adminAddress = `${advertise}:${typeof addr === 'object' && addr !== null ? addr.port : s.adminPort}`;
    }
  } catch (err) {
    await admin?.close();
    await host.stop();
    throw err;
  }
  host.advertise({ admin: adminAddress });
  deps.logger(
    'info',
    `replication ready: node ${s.id}, peers on ${host.peerAddress || '-'}, admin on ${adminAddress || '-'}`,
  );
  return {
    host,
    executor,
    admin,
    adminAddress,
    registerInfo: (info) => registerInfo(info, host),
    close: async () => {
      await admin?.close();
      await host.stop();
    },
  };
}

function registerInfo(info: InfoRegistry, host: ReplicationHost): void {
  info.registerInfoSection('replication', () => replicationLines(host));
  info.registerInfoSection('raft', () => raftLines(host), { inDefault: false });
}

/** Redis' field names, so that tools reading INFO replication understand a follower. */
function replicationLines(host: ReplicationHost): [string, string | number][] {
  const v = host.describe();
  const leader = v.role === 'leader';
  const lines: [string, string | number][] = [['role', leader ? 'master' : 'slave']];
  if (leader) {
    const others = v.members.filter((m) => !m.self);
    lines.push(['connected_slaves', others.filter((m) => m.connected).length]);
    others.forEach((m, i) => {
      const [ip = '', port = '0'] = splitHostPort(m.respAddress);
      const state = m.connected ? 'online' : 'offline';
      lines.push([
        `slave${i}`,
        `ip=${ip},port=${port},state=${state},offset=${m.match ?? 0},lag=0`,
      ]);
    });
  } else {
    const [ip = '', port = '0'] = splitHostPort(v.leaderRespAddress);
    lines.push(['master_host', ip], ['master_port', port]);
    lines.push(['master_link_status', v.leader !== 0 ? 'up' : 'down']);
    // Read-only only when it answers writes with -MOVED; by default it forwards them.
    const readOnly = host.options.redirect === 'moved' ? 1 : 0;
    lines.push(['slave_repl_offset', v.applied], ['slave_read_only', readOnly]);
  }
  lines.push(['master_repl_offset', v.commit]);
  lines.push(['raft_role', v.role], ['raft_leader_id', v.leader], ['raft_term', v.term]);
  lines.push(['raft_commit_index', v.commit], ['raft_applied_index', v.applied]);
  return lines;
}

function raftLines(host: ReplicationHost): [string, string | number][] {
  const v = host.describe();
  const lines: [string, string | number][] = [
    ['raft_node_id', v.id],
    ['raft_cluster', v.cluster],
    ['raft_group', v.group],
    ['raft_role', v.role],
    ['raft_state', v.leader !== 0 ? 'up' : 'down'],
    ['raft_leader_id', v.leader],
    ['raft_current_term', v.term],
    ['raft_num_nodes', v.members.length],
    ['raft_num_voting_nodes', v.members.filter((m) => m.role === 'voter').length],
    ['raft_first_index', v.firstIndex],
    ['raft_current_index', v.lastIndex],
    ['raft_commit_index', v.commit],
    ['raft_last_applied_index', v.applied],
    ['raft_snapshot_last_idx', v.snapshotIndex],
    ['raft_snapshot_bytes', v.snapshotBytes],
    ['raft_snapshot_in_memory_bytes', v.snapshotInMemoryBytes],
  ];
  v.members.forEach((m, i) => {
    const state = m.self ? 'self' : m.connected ? 'connected' : 'disconnected';
    lines.push([
      `node${i}`,
      `id=${m.id},role=${m.role},state=${state},addr=${m.respAddress},peer=${m.peerAddress}`,
    ]);
  });
  return lines;
}

function splitHostPort(addr: string): [string, string] {
  const i = addr.lastIndexOf(':');
  return i < 0 ? [addr, '0'] : [addr.slice(0, i), addr.slice(i + 1)];
}

export type { NodeId };
