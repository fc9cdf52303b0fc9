/**
 * The composition root: the only file that knows every adapter. `main(argv)` parses the command
 * line; `startServer(options)` wires a single in-memory node:
 *
 *   clock -> state machine (+ snapshot loaded from the data dir) -> local executor
 *         -> memory guard (maxmemory) -> dispatcher (session commands, INFO, persistence)
 *         -> RESP server
 *
 * plus a 100 ms timer for housekeeping (active expiry, eviction, idle clients, ops/sec), the
 * REST admin API (probes, metrics, tensors) and signal handlers for a clean stop. Replication
 * replaces the local executor with a Raft-backed one and adds the cluster routes to the admin API.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import {
  applyConfigFile,
  applyOption,
  ConfigError,
  DEFAULT_OPTIONS,
  limitsFor,
  RuntimeConfig,
  type ServerOptions,
} from './config/config.js';
import { advertisedHost, checkServerOptions, isWildcardHost } from './config/replication.js';
import { parseArgs } from './cli/args.js';
import { USAGE } from './cli/help.js';
import { runClusterCli } from './cli/cluster.js';
import { runDevCluster } from './cli/dev-cluster.js';
import { buildCommandTable } from './commands/registry.js';
import { StateMachine } from './commands/state-machine.js';
import { LocalExecutor } from './commands/local-executor.js';
import { heapUsedBytes, MemoryGuard } from './commands/memory-guard.js';
import { Dispatcher } from './commands/dispatcher.js';
import type { ShutdownMode } from './commands/context.js';
import { ErrorReply, type Reply } from './commands/reply.js';
import { newServerStats } from './commands/session.js';
import {
  loadSnapshot,
  removeAbandonedSaves,
  SnapshotFile,
  SnapshotLoadError,
} from './commands/server/snapshot-file.js';
import { startRespServer, type Log } from './resp/server.js';
import { SkewableClock, TEST_HOOKS_ENV, testHooksEnabled } from './admin/test-hooks.js';
import type { Clock } from './shared/effects.js';
import type { Executor } from './commands/executor.js';
import { systemClock } from './shared/system-clock.js';
import { makeDirDurably } from './shared/atomic-file.js';
import type { Replication } from './replication/runtime.js';

export const VERSION = '0.1.0';

/** Housekeeping period, as Redis' default hz 10. */
const CRON_INTERVAL_MS = 100;
/** Active expiry: keys per `__expired` batch, and at most this many batches per tick. */
const EXPIRY_BATCH_KEYS = 100;
const EXPIRY_BATCHES_MAX = 10;

export { systemClock };

export interface RunningServer {
  readonly port: number;
  /** Resolves with the exit code once the server has stopped. */
  readonly stopped: Promise<number>;
  shutdown(mode: ShutdownMode): Promise<Reply | undefined>;
}

/** Builds the options from flags over an optional JSON config file over the defaults. */
export function resolveOptions(
  flags: readonly (readonly [string, string])[],
  configFile: string | undefined,
): ServerOptions {
  const options: ServerOptions = { ...DEFAULT_OPTIONS };
  if (configFile !== undefined) {
    let text: string;
    try {
      text = readFileSync(configFile, 'utf8');
    } catch (error) {
      throw new ConfigError(`cannot read config file ${configFile}: ${String(error)}`);
    }
    applyConfigFile(options, text, configFile);
  }
  for (const [name, value] of flags) applyOption(options, name, value);
  return options;
}

function pinoLog(logger: Logger): Log {
  return (level, msg, fields) => logger[level](fields, msg);
}

/** Everything a bad flag, config file or MEMLAYER_RAFT_* value can get wrong; throws ConfigError. */
export function checkOptions(options: ServerOptions, env: NodeJS.ProcessEnv = process.env): void {
  limitsFor(options);
  checkServerOptions(options, env);
}

/** Starts a node; throws ConfigError, SnapshotLoadError or a listen error before serving. */
export async function startServer(
  options: ServerOptions,
  logger: Logger,
  configFile?: string,
  clock: Clock = systemClock,
): Promise<RunningServer> {
  // Before anything is made or bound (main() has checked already; other callers may not have).
  checkServerOptions(options, process.env);
  const limits = limitsFor(options);
  // Before any data is loaded: the part of used_memory that is the process, not the dataset.
  const startupBytes = heapUsedBytes();
  const dataDir = options.dataDir === '' ? undefined : resolve(options.dataDir);
  const table = buildCommandTable();
  const stateMachine = new StateMachine(table);
  // Made durable before anything is written in it: its files are all fsynced, its name must be.
  if (dataDir !== undefined) {
    await makeDirDurably(dataDir);
    const removed = removeAbandonedSaves(dataDir);
    if (removed.length > 0) logger.info({ dataDir, removed }, 'removed files of abandoned saves');
  }
  // fsync: the state comes from the Raft log and its snapshots, not from dump.mlsnap.
  const replication =
    options.durability === 'fsync'
      ? await startNodeReplication(options, stateMachine, logger, clock)
      : undefined;
  if (
    replication === undefined &&
    dataDir !== undefined &&
    loadSnapshot(dataDir, (b) => stateMachine.restoreSnapshot(b))
  )
    logger.info({ dataDir, keys: stateMachine.db.size }, 'snapshot loaded');
  const executor = replication?.executor ?? new LocalExecutor(stateMachine, clock);
  const persistence = new SnapshotFile(
    dataDir,
    (chunkBytes) => stateMachine.snapshotChunks(new Uint8Array(0), chunkBytes),
    clock,
    (error) => logger.error({ err: error }, 'background save failed'),
  );
  const config = new RuntimeConfig(options, limits, dataDir ?? '', configFile);
  // maxmemory: eviction decided here (the leader under Raft), applied as DELs through the log.
  const guard = new MemoryGuard({
    inner: executor,
    db: stateMachine.db,
    table,
    config,
    clock,
    startupBytes,
    evicts: () => replication === undefined || replication.host.data.role === 'leader',
  });
  // Without Raft the admin API serves probes, metrics and tensors; cluster routes say why not.
  const admin =
    replication === undefined ? await startStandaloneAdmin(options, guard, logger) : undefined;
  const stats = newServerStats();
  let expiredKeys = 0;
  let port = options.port;
  let clientIo = 'node';
  let stopping: Promise<Reply | undefined> | undefined;
  let resolveStopped: (code: number) => void = () => {};
  const stopped = new Promise<number>((done) => (resolveStopped = done));

  const shutdown = (mode: ShutdownMode): Promise<Reply | undefined> => {
    stopping ??= stop(mode).then((failure) => {
      if (failure !== undefined) stopping = undefined; // a failed save keeps the server up
      return failure;
    });
    return stopping;
  };
  const dispatcher = new Dispatcher({
    table,
    executor: guard,
    config,
    limits,
    stats,
    clock,
    persistence,
    keyspaceCounts: () => ({ keys: stateMachine.db.size, expires: stateMachine.db.expires.size }),
    shutdown,
    port: () => port,
    clientIo: () => clientIo,
    expiredKeys: () => expiredKeys + (replication?.host.data.expiredKeys ?? 0),
  });
  let resp: Awaited<ReturnType<typeof startRespServer>>;
  try {
    resp = await startRespServer({
      host: options.bind,
      port: options.port,
      dispatcher,
      limits,
      stats,
      log: pinoLog(logger),
    });
  } catch (error) {
    await admin?.close();
    await replication?.close();
    throw error;
  }
  port = resp.port;
  clientIo = resp.io;
  if (replication !== undefined) {
    replication.host.advertise({ resp: `${advertisedHost(options)}:${port}` });
    replication.registerInfo(dispatcher.server.info);
  }

  const cron = setInterval(() => {
    const nowMs = clock.nowMs();
    dispatcher.cron(nowMs);
    guard.cron();
    // Under Raft the leader proposes expiry itself (src/replication/group.ts).
    for (
      let batch = replication === undefined ? 0 : EXPIRY_BATCHES_MAX;
      batch < EXPIRY_BATCHES_MAX;
      batch++
    ) {
      const keys = stateMachine.expiredKeys(nowMs, EXPIRY_BATCH_KEYS);
      if (keys.length === 0) break;
      const removed = executor.executeOne(['__expired', ...keys], true);
      if (typeof removed === 'number') expiredKeys += removed;
      if (keys.length < EXPIRY_BATCH_KEYS) break;
    }
  }, CRON_INTERVAL_MS);

  async function stop(mode: ShutdownMode): Promise<Reply | undefined> {
    const save = mode === 'save' || (mode === 'default' && dataDir !== undefined);
    if (save) {
      if (dataDir === undefined)
        return new ErrorReply('ERR no data directory configured: cannot SHUTDOWN SAVE');
      try {
        await persistence.idle();
        await persistence.save();
        logger.info({ path: persistence.path }, 'snapshot saved before shutdown');
      } catch (error) {
        logger.error({ err: error }, 'snapshot save failed; not shutting down');
        return new ErrorReply('ERR Errors trying to SHUTDOWN. Check logs.');
      }
    }
    clearInterval(cron);
    await resp.close();
    await admin?.close();
    await replication?.close();
    logger.info({ mode }, 'memlayer stopped');
    resolveStopped(0);
    return undefined;
  }

  logger.info(
    { port, bind: options.bind, dataDir, durability: options.durability },
    'memlayer ready',
  );
  return { port, stopped, shutdown };
}

/** With --port 0 (tests), the admin and peer ports default to any free port as well. */
function portDefault(options: ServerOptions, fixed: number): number {
  return options.port === 0 ? 0 : fixed;
}

/** `--durability fsync`: the Raft host, its executor, admin API (src/replication/runtime.ts). */
async function startNodeReplication(
  options: ServerOptions,
  stateMachine: StateMachine,
  logger: Logger,
  clock: Clock,
): Promise<Replication> {
  if (options.advertise === '' && isWildcardHost(options.bind))
    logger.warn(
      { bind: options.bind, advertise: advertisedHost(options) },
      'no --advertise with a wildcard --bind: this node gives its host name as its address; set --advertise before it joins a cluster',
    );
  // Loaded only in this mode: fastify, grpc and level cost a second or more to import.
  const { startReplication } = await import('./replication/runtime.js');
  return startReplication(
    {
      id: options.nodeId,
      peers: options.peers,
      routes: options.routes,
      join: options.join,
      cluster: options.clusterName,
      bind: options.bind,
      advertise: options.advertise,
      respPort: options.port,
      adminPort: options.adminPort ?? portDefault(options, 7380),
      peerPort: options.peerPort,
      peerPortDefault: portDefault(options, 7381),
      redirect: options.redirect,
      dataDir: options.dataDir === '' ? '' : resolve(options.dataDir),
    },
    {
      applier: stateMachine,
      clock,
      logger: (level, msg) => logger[level](msg),
      // Read per request: CONFIG SET requirepass changes `options` in place.
      password: () => options.requirepass,
      ...(clock instanceof SkewableClock ? { testHooks: { clock } } : {}),
    },
  );
}

/**
 * `--durability memory`: the REST admin API without a Raft host (src/admin/server.ts): /healthz,
 * /readyz (always ready: there is no leader to wait for), /metrics, the tensor routes through
 * `executor`, and the cluster routes answering ERR_NOT_REPLICATED. Container health checks and
 * load balancers probe every node the same way, whatever its durability.
 */
async function startStandaloneAdmin(
  options: ServerOptions,
  executor: Executor,
  logger: Logger,
): Promise<FastifyInstance | undefined> {
  const port = options.adminPort ?? portDefault(options, 7380);
  if (port < 0) return undefined;
  // Loaded only when served: fastify costs a few hundred milliseconds to import.
  const { buildAdminServer } = await import('./admin/server.js');
  const admin = await buildAdminServer({
    host: undefined,
    executor,
    // Read per request, as in fsync mode: CONFIG SET requirepass changes `options` in place.
    password: () => options.requirepass,
  });
  try {
    await admin.listen({ host: options.bind, port });
  } catch (error) {
    await admin.close();
    throw error;
  }
  const address = admin.server.address();
  logger.info(
    { adminPort: typeof address === 'object' && address !== null ? address.port : port },
    'admin API ready (no replication)',
  );
  return admin;
}

/** Runs the command line; resolves with the process exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  // Cluster tooling (src/cli/cluster.ts, src/cli/dev-cluster.ts) takes its own flags.
  if (argv[0] === 'cluster') return runClusterCli(argv.slice(1));
  if (argv[0] === 'dev-cluster') return runDevCluster(argv.slice(1));
  let options: ServerOptions;
  let configFile: string | undefined;
  try {
    const invocation = parseArgs(argv);
    if (invocation.kind === 'help') {
      process.stdout.write(USAGE);
      return 0;
    }
    if (invocation.kind === 'version') {
      process.stdout.write(`memlayer ${VERSION}\n`);
      return 0;
    }
    configFile = invocation.configFile;
    options = resolveOptions(invocation.flags, configFile);
    checkOptions(options);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`memlayer: ${error.message}\nRun 'memlayer --help' for usage.\n`);
    return 2;
  }
  const logger = pino({ level: options.logLevel, base: { pid: process.pid } });
  let server: RunningServer;
  try {
    // The consistency harness skews clocks and crashes nodes through admin routes (off by default).
    const hooks = testHooksEnabled(process.env);
    if (hooks)
      logger.warn(`${TEST_HOOKS_ENV}=1: fault-injection routes are enabled on the admin port`);
    const clock = hooks ? new SkewableClock(systemClock) : systemClock;
    server = await startServer(options, logger, configFile, clock);
  } catch (error) {
    // checkOptions found every bad flag above; one found later is still a configuration error.
    if (error instanceof ConfigError) {
      process.stderr.write(`memlayer: ${error.message}\nRun 'memlayer --help' for usage.\n`);
      return 2;
    }
    if (error instanceof SnapshotLoadError) {
      logger.fatal(error.message);
      process.stderr.write(`memlayer: ${error.message}\n`);
      return 1;
    }
    const reason = error instanceof Error ? error.message : String(error);
    logger.fatal({ err: error }, 'startup failed');
    process.stderr.write(`memlayer: startup failed: ${reason}\n`);
    return 1;
  }
  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'signal received, shutting down');
    void server.shutdown('default').then((failure) => {
      // A signal must end the process even when the final save failed (logged by stop()).
      if (failure !== undefined) process.exit(1);
    });
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  return server.stopped;
}
