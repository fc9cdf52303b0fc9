/**
 * The standard INFO sections, in Redis' order. Fields we have no counterpart for are reported
 * as Redis reports an idle server with that feature off (e.g. `aof_enabled:0`), so tools that
 * parse INFO keep working; fields we do not track at all are left out rather than invented.
 */
import { nativeStatus } from '../../shared/native.js';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { REDIS_VERSION, type ServerFacilities } from '../context.js';
import { bytesToHuman } from './info-registry.js';
import { wallClockUs } from '../../shared/effects.js';

export interface StandardInfoSources {
  readonly startedMs: number;
  readonly port: () => number;
  readonly clientIo: () => string;
  readonly commandsProcessed: () => number;
  readonly errorReplies: () => number;
  /** INFO errorstats lines (`errorstat_ERR`, `count=3`). */
  readonly errorStats: () => ReadonlyArray<readonly [string, string]>;
  readonly opsPerSecond: () => number;
  readonly expiredKeys: () => number;
}

type Lines = Array<readonly [string, string | number]>;

/** 40 hex characters, fresh per process, as Redis' run_id and replid. */
export const RUN_ID = randomBytes(20).toString('hex');
const MEMLAYER_VERSION = '0.1.0';

export function registerStandardInfoSections(
  server: ServerFacilities,
  sources: StandardInfoSources,
): void {
  const info = server.info;
  info.registerInfoSection('server', () => serverSection(server, sources));
  info.registerInfoSection('clients', () => clientsSection(server));
  info.registerInfoSection('memory', memorySection(server));
  info.registerInfoSection('persistence', () => persistenceSection(server));
  info.registerInfoSection('stats', () => statsSection(server, sources));
  info.registerInfoSection('replication', () => replicationSection(server));
  info.registerInfoSection('cpu', cpuSection);
  info.registerInfoSection('modules', () => []);
  // Redis' order for INFO all / everything: commandstats comes between modules and errorstats.
  info.registerInfoSection('commandstats', () => commandstatsSection(server), {
    inDefault: false,
  });
  info.registerInfoSection('errorstats', sources.errorStats);
  info.registerInfoSection('cluster', () => [['cluster_enabled', 0]]);
  info.registerInfoSection('keyspace', () => keyspaceSection(server));
}

/** Whether the N-API tensor kernels are in use, or why the TypeScript twins run instead. */
function nativeKernelsLine(): string {
  const status = nativeStatus();
  return status.loaded ? 'loaded' : `unavailable (${status.reason ?? 'unknown'})`;
}

function serverSection(server: ServerFacilities, sources: StandardInfoSources): Lines {
  const nowMs = server.clock.nowMs();
  const uptimeSeconds = Math.floor((nowMs - sources.startedMs) / 1000);
  return [
    ['redis_version', REDIS_VERSION],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', '0'],
    ['redis_mode', 'standalone'],
    ['os', `${os.type()} ${os.release()} ${os.arch()}`],
    ['arch_bits', 64],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', 'epoll'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', RUN_ID],
    ['tcp_port', sources.port()],
    ['server_time_usec', wallClockUs(server.clock)],
    ['uptime_in_seconds', uptimeSeconds],
    ['uptime_in_days', Math.floor(uptimeSeconds / 86400)],
    ['hz', 10],
    ['configured_hz', 10],
    ['executable', process.argv[1] ?? ''],
    ['config_file', ''],
    ['io_threads_active', 0],
    ['memlayer_version', MEMLAYER_VERSION],
    ['node_version', process.version],
    ['native_kernels', nativeKernelsLine()],
    ['client_io', sources.clientIo()],
  ];
}

function clientsSection(server: ServerFacilities): Lines {
  return [
    ['connected_clients', server.clients.size],
    ['cluster_connections', 0],
    ['maxclients', server.limits.clientsMax],
    ['blocked_clients', server.pause.postponedCount],
    ['tracking_clients', 0],
    ['clients_in_timeout_table', 0],
  ];
}

function memorySection(server: ServerFacilities): () => Lines {
  let peakBytes = 0;
  return () => {
    const usage = process.memoryUsage();
    // With maxmemory set: the figure eviction compares with the limit (startup heap plus the
    // dataset estimate, src/store/memory.ts); without: the V8 heap and external buffers.
    const memory = server.config.memory;
    const usedBytes = memory?.usedBytes() ?? usage.heapUsed + usage.external;
    const datasetBytes = memory?.datasetBytes();
    peakBytes = Math.max(peakBytes, usedBytes);
    const maxmemory = server.config.options.maxmemoryBytes;
    const accounting: Lines =
      memory === undefined
        ? []
        : [
            ['used_memory_startup', memory.startupBytes],
            ...(datasetBytes === undefined ? [] : [['used_memory_dataset', datasetBytes] as const]),
          ];
    return [
      ['used_memory', usedBytes],
      ['used_memory_human', bytesToHuman(usedBytes)],
      ['used_memory_rss', usage.rss],
      ['used_memory_rss_human', bytesToHuman(usage.rss)],
      ['used_memory_peak', peakBytes],
      ['used_memory_peak_human', bytesToHuman(peakBytes)],
      ...accounting,
      ['total_system_memory', os.totalmem()],
      ['total_system_memory_human', bytesToHuman(os.totalmem())],
      ['maxmemory', maxmemory],
      ['maxmemory_human', bytesToHuman(maxmemory)],
      ['maxmemory_policy', server.config.options.maxmemoryPolicy],
      ['mem_allocator', 'v8'],
    ];
  };
}

function persistenceSection(server: ServerFacilities): Lines {
  const persistence = server.persistence;
  return [
    ['loading', 0],
    ['async_loading', 0],
    ['rdb_changes_since_last_save', persistence.changesSinceSave],
    ['rdb_bgsave_in_progress', persistence.bgsaveInProgress ? 1 : 0],
    ['rdb_last_save_time', persistence.lastSaveSeconds],
    ['rdb_last_bgsave_status', persistence.lastSaveOk ? 'ok' : 'err'],
    ['rdb_saves', persistence.saves],
    ['aof_enabled', 0],
    ['aof_rewrite_in_progress', 0],
    ['aof_rewrite_scheduled', 0],
    ['aof_last_write_status', 'ok'],
  ];
}

function statsSection(server: ServerFacilities, sources: StandardInfoSources): Lines {
  const stats = server.stats;
  return [
    ['total_connections_received', stats.connectionsReceived],
    ['total_commands_processed', sources.commandsProcessed()],
    ['instantaneous_ops_per_sec', sources.opsPerSecond()],
    ['total_net_input_bytes', stats.netInputBytes],
    ['total_net_output_bytes', stats.netOutputBytes],
    ['rejected_connections', stats.connectionsRejected],
    ['expired_keys', sources.expiredKeys()],
    ['evicted_keys', server.config.memory?.evictedKeys ?? 0],
    ['pubsub_channels', 0],
    ['pubsub_patterns', 0],
    // Redis counts errors sent to its master or AOF client here; memlayer has neither.
    ['unexpected_error_replies', 0],
    ['total_error_replies', sources.errorReplies()],
    ['client_protocol_errors', stats.protocolErrors],
  ];
}

function replicationSection(server: ServerFacilities): Lines {
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', RUN_ID],
    ['master_replid2', '0'.repeat(40)],
    ['master_repl_offset', server.executor.appliedIndex()],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
  ];
}

function cpuSection(): Lines {
  const usage = process.cpuUsage();
  return [
    ['used_cpu_sys', (usage.system / 1e6).toFixed(6)],
    ['used_cpu_user', (usage.user / 1e6).toFixed(6)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
  ];
}

function keyspaceSection(server: ServerFacilities): Lines {
  const { keys, expires } = server.keyspaceCounts();
  // Redis lists only non-empty databases.
  return keys === 0 ? [] : [['db0', `keys=${keys},expires=${expires},avg_ttl=0`]];
}

function commandstatsSection(server: ServerFacilities): Lines {
  const lines: Lines = [];
  for (const c of server.commandCounters()) {
    if (c.calls === 0 && c.rejectedCalls === 0 && c.failedCalls === 0) continue;
    // Handlers are not timed (a clock read per command costs more than it tells): usec is 0.
    lines.push([
      `cmdstat_${c.name}`,
      `calls=${c.calls},usec=0,usec_per_call=0.00,rejected_calls=${c.rejectedCalls},failed_calls=${c.failedCalls}`,
    ]);
  }
  return lines;
}
