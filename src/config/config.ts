/**
 * Server settings: the startup options (flags and `--config FILE`), and the runtime view CONFIG
 * GET/SET read and change. One vocabulary for both: a JSON config file uses the long flag names
 * as keys (`{"port": 6379, "data-dir": "./data"}`); flags override the file, the file overrides
 * the defaults.
 */
import { checkLimits, DEFAULT_LIMITS, STRING_CHARS_MAX, type Limits } from './limits.js';
import { EVICTION_POLICIES } from '../store/eviction.js';
import {
  formatSaveRules,
  INVALID_SAVE_RULES,
  parseSaveRules,
  REDIS_DEFAULT_SAVE_RULES,
  type SaveRule,
} from './save-rules.js';
import { NODE_ID_MAX } from '../shared/brand.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * How acknowledged writes are kept. `memory`: in memory, saved to `<data-dir>/dump.mlsnap` on
 * SAVE/BGSAVE/SHUTDOWN and by the `save` rules, and loaded at startup (Redis without AOF). `fsync`: every write goes
 * through a Raft log in `<data-dir>/raft`, fsynced per group commit (a group of one when alone;
 * src/replication, docs/replication.md).
 */
export const DURABILITIES = ['memory', 'fsync'] as const;
export type Durability = (typeof DURABILITIES)[number];

/** Redis' policies, in the order its CONFIG SET error lists them (src/store/eviction.ts). */
export const MAXMEMORY_POLICIES = EVICTION_POLICIES;

/**
 * The memory guard's view for INFO and CONFIG SET (src/commands/memory-guard.ts). Attached to
 * the runtime config because both INFO and CONFIG reach the server's settings through it.
 */
export interface MemoryStatus {
  /** The figure eviction compares with maxmemory; undefined while maxmemory is 0. */
  usedBytes(): number | undefined;
  /** The dataset estimate (undefined while no accounting runs). */
  datasetBytes(): number | undefined;
  /** V8 heap in use when the server started: the part of used_memory that is not data. */
  readonly startupBytes: number;
  /** Keys removed by eviction (INFO stats evicted_keys). */
  readonly evictedKeys: number;
  /** A maxmemory* / lfu-* parameter changed. */
  settingsChanged(): void;
}

export interface ServerOptions {
  port: number;
  bind: string;
  /** '' = no data directory: nothing is loaded or saved. */
  dataDir: string;
  requirepass: string;
  maxclients: number;
  logLevel: LogLevel;
  durability: Durability;
  /** Close clients idle this long; 0 = never (Redis `timeout`). */
  timeoutSeconds: number;
  /**
   * Automatic background saves (Redis `save`); undefined = the default for the mode:
   * Redis' rules with `--durability memory` and a data directory, none otherwise.
   */
  saveRules: readonly SaveRule[] | undefined;
  /**
   * Memory limit for the dataset estimate (0 = none) and what to do above it: evict by policy
   * or answer -OOM (src/commands/memory-guard.ts, docs/memory.md).
   */
  maxmemoryBytes: number;
  maxmemoryPolicy: string;
  /** Keys sampled per eviction step (Redis maxmemory-samples). */
  maxmemorySamples: number;
  /** 0..100: how long one command may spend evicting (Redis maxmemory-eviction-tenacity). */
  maxmemoryEvictionTenacity: number;
  /** LFU counter growth (Redis lfu-log-factor) and decay period in minutes (lfu-decay-time). */
  lfuLogFactor: number;
  lfuDecayTimeMinutes: number;
  protoMaxBulkLen: number;
  clientQueryBufferLimit: number;
  /** Replication (`--durability fsync`, src/replication/runtime.ts). */
  nodeId: number;
  /** `1=host:port,2=host:port`: members of a new cluster ('' alone). */
  peers: string;
  /** `4=host:port,...`: how this node reaches those peers, over the membership's addresses. */
  routes: string;
  /** Wait to be added to an existing cluster instead of bootstrapping one. */
  join: boolean;
  clusterName: string;
  /** Address peers and clients are told to use ('' = bind). */
  advertise: string;
  /** REST admin port; -1 = none. Defaults to 7380, or 0 (any) when --port is 0. */
  adminPort: number | undefined;
  /** Peer gRPC port; -1 = none. Defaults to 7381, or 0 (any) when --port is 0. */
  peerPort: number | undefined;
  /** Followers forward requests to the leader, or answer -MOVED. */
  redirect: 'forward' | 'moved';
}

export const DEFAULT_OPTIONS: Readonly<ServerOptions> = Object.freeze({
  port: 6379,
  bind: '127.0.0.1',
  dataDir: './data',
  requirepass: '',
  maxclients: DEFAULT_LIMITS.clientsMax,
  logLevel: 'info',
  durability: 'fsync',
  timeoutSeconds: 0,
  saveRules: undefined,
  maxmemoryBytes: 0,
  maxmemoryPolicy: 'noeviction',
  maxmemorySamples: 5,
  maxmemoryEvictionTenacity: 10,
  lfuLogFactor: 10,
  lfuDecayTimeMinutes: 1,
  protoMaxBulkLen: DEFAULT_LIMITS.bulkBytesMax,
  clientQueryBufferLimit: DEFAULT_LIMITS.queryBufferBytesMax,
  nodeId: 1,
  peers: '',
  routes: '',
  join: false,
  clusterName: 'memlayer',
  advertise: '',
  adminPort: undefined,
  peerPort: undefined,
  redirect: 'forward',
});

/** Bad flags or config: the CLI prints the message and exits 2. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Setter = (options: ServerOptions, raw: string, name: string) => void;

type IntegerOption =
  | 'port'
  | 'maxclients'
  | 'timeoutSeconds'
  | 'maxmemorySamples'
  | 'maxmemoryEvictionTenacity'
  | 'lfuLogFactor'
  | 'lfuDecayTimeMinutes';

/** Redis' bound for its int configs (INT_MAX). */
const INT_MAX = 2_147_483_647;

function intSetter(key: IntegerOption, min: number, max: number) {
  return (options: ServerOptions, raw: string, name: string): void => {
    const value = parseDecimal(raw);
    if (value === undefined || value < min || value > max)
      throw new ConfigError(`${name} must be an integer between ${min} and ${max}, got '${raw}'`);
    options[key] = value;
  };
}

function memorySetter(key: 'maxmemoryBytes' | 'protoMaxBulkLen' | 'clientQueryBufferLimit') {
  return (options: ServerOptions, raw: string, name: string): void => {
    const value = parseMemory(raw);
    if (value === undefined) throw new ConfigError(`${name} must be a memory value, got '${raw}'`);
    options[key] = value;
  };
}

function choiceSetter<T extends string>(
  choices: readonly T[],
  apply: (options: ServerOptions, value: T) => void,
) {
  return (options: ServerOptions, raw: string, name: string): void => {
    const value = choices.find((choice) => choice === raw.toLowerCase());
    if (value === undefined)
      throw new ConfigError(`${name} must be one of ${choices.join(', ')}, got '${raw}'`);
    apply(options, value);
  };
}

function portOrNone(key: 'adminPort' | 'peerPort') {
  return (options: ServerOptions, raw: string, name: string): void => {
    const value = raw === 'none' ? -1 : parseDecimal(raw);
    if (value === undefined || value < -1 || value > 65535)
      throw new ConfigError(`${name} must be a port (0 = any, -1 or none = off), got '${raw}'`);
    options[key] = value;
  };
}

function yesNo(apply: (options: ServerOptions, value: boolean) => void): Setter {
  return (options, raw, name) => {
    const v = raw.toLowerCase();
    if (!['yes', 'no', 'true', 'false'].includes(v))
      throw new ConfigError(`${name} must be yes or no, got '${raw}'`);
    apply(options, v === 'yes' || v === 'true');
  };
}

/** Replication flags (src/replication/runtime.ts checks their combination at startup). */
function REPLICATION_SETTERS(): Record<string, Setter> {
  return {
    id: (options, raw, name) => {
      const value = parseDecimal(raw);
      if (value === undefined || value < 1 || value > NODE_ID_MAX)
        throw new ConfigError(`${name} must be an integer from 1 to ${NODE_ID_MAX}, got '${raw}'`);
      options.nodeId = value;
    },
    peers: (options, raw) => {
      options.peers = raw;
    },
    routes: (options, raw) => {
      options.routes = raw;
    },
    join: yesNo((options, value) => {
      options.join = value;
    }),
    cluster: (options, raw) => {
      options.clusterName = raw;
    },
    advertise: (options, raw) => {
      options.advertise = raw;
    },
    'admin-port': portOrNone('adminPort'),
    'peer-port': portOrNone('peerPort'),
    redirect: choiceSetter(['forward', 'moved'] as const, (options, value) => {
      options.redirect = value;
    }),
    forward: yesNo((options, value) => {
      options.redirect = value ? 'forward' : 'moved';
    }),
    moved: yesNo((options, value) => {
      options.redirect = value ? 'moved' : 'forward';
    }),
  };
}

/** Flags that take no value on the command line (`--join` means `--join yes`). */
export const BOOLEAN_FLAGS: readonly string[] = ['join', 'forward', 'moved'];

/** Startup settings by flag name (also the JSON config file keys). */
const OPTION_SETTERS: Record<string, Setter> = {
  port: intSetter('port', 0, 65535),
  bind: (options, raw) => {
    options.bind = raw;
  },
  'data-dir': (options, raw) => {
    options.dataDir = raw;
  },
  requirepass: (options, raw) => {
    options.requirepass = raw;
  },
  maxclients: intSetter('maxclients', 1, 1_000_000),
  'log-level': choiceSetter(LOG_LEVELS, (options, value) => {
    options.logLevel = value;
  }),
  durability: choiceSetter(DURABILITIES, (options, value) => {
    options.durability = value;
  }),
  timeout: intSetter('timeoutSeconds', 0, 2_147_483_647),
  save: (options, raw, name) => {
    const rules = parseSaveRules(raw);
    if (rules === undefined)
      throw new ConfigError(
        `${name} must be pairs of "seconds changes" (seconds >= 1, changes >= 0) or "", got '${raw}'`,
      );
    options.saveRules = rules;
  },
  maxmemory: memorySetter('maxmemoryBytes'),
  'maxmemory-policy': choiceSetter(MAXMEMORY_POLICIES, (options, value) => {
    options.maxmemoryPolicy = value;
  }),
  'maxmemory-samples': intSetter('maxmemorySamples', 1, INT_MAX),
  'maxmemory-eviction-tenacity': intSetter('maxmemoryEvictionTenacity', 0, 100),
  'lfu-log-factor': intSetter('lfuLogFactor', 0, INT_MAX),
  'lfu-decay-time': intSetter('lfuDecayTimeMinutes', 0, INT_MAX),
  'proto-max-bulk-len': memorySetter('protoMaxBulkLen'),
  'client-query-buffer-limit': memorySetter('clientQueryBufferLimit'),
  ...REPLICATION_SETTERS(),
};

export const OPTION_NAMES: readonly string[] = Object.keys(OPTION_SETTERS);

/** Applies one `name value` setting (a flag or a config-file entry); throws ConfigError. */
export function applyOption(options: ServerOptions, name: string, raw: string): void {
  const setter = Object.hasOwn(OPTION_SETTERS, name) ? OPTION_SETTERS[name] : undefined;
  if (setter === undefined) throw new ConfigError(`unknown option '${name}'`);
  setter(options, raw, name);
}

/** Parses a JSON config file's text: an object of option names to strings, numbers or booleans. */
export function applyConfigFile(options: ServerOptions, text: string, path: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`config file ${path} is not valid JSON: ${String(error)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new ConfigError(`config file ${path} must hold a JSON object`);
  for (const [name, value] of Object.entries(parsed)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean')
      throw new ConfigError(`config file ${path}: '${name}' must be a string, number or boolean`);
    try {
      applyOption(options, name, String(value));
    } catch (error) {
      if (error instanceof ConfigError)
        throw new ConfigError(`config file ${path}: ${error.message}`);
      throw error;
    }
  }
}

/** The limits the protocol layer enforces, from the options; throws ConfigError if inconsistent. */
export function limitsFor(options: ServerOptions): Limits {
  if (options.protoMaxBulkLen > STRING_CHARS_MAX)
    throw new ConfigError(
      `proto-max-bulk-len must be at most ${STRING_CHARS_MAX} ` +
        '(the longest string Node.js holds; Redis allows 512mb)',
    );
  const limits: Limits = {
    ...DEFAULT_LIMITS,
    bulkBytesMax: options.protoMaxBulkLen,
    queryBufferBytesMax: Math.max(options.clientQueryBufferLimit, options.protoMaxBulkLen),
    clientsMax: options.maxclients,
    // A tensor arrives as one bulk string, so it can be no larger than the bulk limit (the
    // default tensor limit, 512 MiB, exceeds the largest string V8 holds).
    tensorBytesMax: Math.min(DEFAULT_LIMITS.tensorBytesMax, options.protoMaxBulkLen),
  };
  try {
    checkLimits(limits);
  } catch (error) {
    throw new ConfigError(error instanceof Error ? error.message : String(error));
  }
  return limits;
}

/** Redis string2ll: optional '-', no '+', no leading zeros, no spaces. Safe integers only. */
export function parseDecimal(text: string): number | undefined {
  if (!/^(0|-?[1-9][0-9]{0,15})$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isSafeInteger(value) ? value : undefined;
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1000,
  kb: 1024,
  m: 1000 * 1000,
  mb: 1024 * 1024,
  g: 1000 * 1000 * 1000,
  gb: 1024 * 1024 * 1024,
};

/** Redis memtoull: `100`, `1mb`, `2G` (k = 1000, kb = 1024, case-insensitive). */
export function parseMemory(text: string): number | undefined {
  const match = /^([0-9]{1,16})([a-zA-Z]{0,2})$/.exec(text);
  if (match === null) return undefined;
  const unit = MEMORY_UNITS[(match[2] ?? '').toLowerCase()];
  if (unit === undefined) return undefined;
  const value = Number(match[1]) * unit;
  return Number.isSafeInteger(value) ? value : undefined;
}

/** One parameter as CONFIG GET/SET sees it. */
export interface ConfigParameter {
  readonly name: string;
  get(): string;
  /** Absent for immutable parameters. Returns Redis' failure detail, or undefined when valid. */
  check?(value: string): string | undefined;
  apply?(value: string): void;
}

/**
 * The live settings. CONFIG SET changes them (and the shared `Limits` object the protocol
 * layer reads on every check, so new limits apply at once).
 */
export class RuntimeConfig {
  private readonly parameters = new Map<string, ConfigParameter>();
  /** The memory guard, once attached: INFO reads it, maxmemory* changes are passed to it. */
  memory: MemoryStatus | undefined;
  /** The automatic save rules in force (CONFIG SET save changes them). */
  saveRules: readonly SaveRule[];

  constructor(
    readonly options: ServerOptions,
    readonly limits: Limits,
    /** Absolute data directory, for `CONFIG GET dir`. */
    readonly dirAbsolute: string,
    /** The `--config` file, if one was given (CONFIG REWRITE's answer depends on it). */
    readonly configFile: string | undefined = undefined,
  ) {
    this.saveRules = options.saveRules ?? defaultSaveRules(options.durability, dirAbsolute);
    for (const parameter of buildParameters(this)) this.parameters.set(parameter.name, parameter);
  }

  get requirepass(): string {
    return this.options.requirepass;
  }

  get timeoutSeconds(): number {
    return this.options.timeoutSeconds;
  }

  /** Called by the maxmemory* / lfu-* parameters' `apply`. */
  memorySettingsChanged(): void {
    this.memory?.settingsChanged();
  }

  parameter(name: string): ConfigParameter | undefined {
    return this.parameters.get(name);
  }

  all(): IterableIterator<ConfigParameter> {
    return this.parameters.values();
  }
}

/**
 * Without a `save` setting: Redis' rules for an in-memory node with a data directory, where a
 * snapshot is the only copy of the data; none under `fsync`, where the Raft log already holds
 * every acknowledged write, nor without a data directory, where nothing can be saved.
 */
export function defaultSaveRules(durability: Durability, dirAbsolute: string): readonly SaveRule[] {
  return durability === 'memory' && dirAbsolute !== '' ? REDIS_DEFAULT_SAVE_RULES : [];
}

function fixed(name: string, value: () => string): ConfigParameter {
  return { name, get: value };
}

function integerParameter(
  name: string,
  min: number,
  max: number,
  read: () => number,
  write: (value: number) => void,
): ConfigParameter {
  return {
    name,
    get: () => String(read()),
    check: (value) => {
      const parsed = parseDecimal(value);
      if (parsed === undefined) return "argument couldn't be parsed into an integer";
      if (parsed < min || parsed > max)
        return `argument must be between ${min} and ${max} inclusive`;
      return undefined;
    },
    apply: (value) => write(Number(value)),
  };
}

function memoryParameter(
  name: string,
  read: () => number,
  write: (value: number) => void,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
  /** Why `max` is what it is, when that differs from Redis. */
  maxReason = '',
): ConfigParameter {
  return {
    name,
    get: () => String(read()),
    check: (value) => {
      const parsed = parseMemory(value);
      if (parsed === undefined) return 'argument must be a memory value';
      if (parsed < min || parsed > max)
        return `argument must be between ${min} and ${max} inclusive${maxReason}`;
      return undefined;
    },
    apply: (value) => write(parseMemory(value) ?? 0),
  };
}

function enumParameter(
  name: string,
  choices: readonly string[],
  read: () => string,
  write: (value: string) => void,
): ConfigParameter {
  return {
    name,
    get: read,
    check: (value) =>
      choices.includes(value.toLowerCase())
        ? undefined
        : `argument(s) must be one of the following: ${choices.join(', ')}`,
    apply: (value) => write(value.toLowerCase()),
  };
}

function buildParameters(config: RuntimeConfig): ConfigParameter[] {
  const { options, limits } = config;
  return [
    fixed('port', () => String(options.port)),
    fixed('bind', () => options.bind),
    fixed('dir', () => config.dirAbsolute),
    fixed('databases', () => '1'),
    fixed('appendonly', () => 'no'),
    {
      name: 'save',
      get: () => formatSaveRules(config.saveRules),
      check: (value) => (parseSaveRules(value) === undefined ? INVALID_SAVE_RULES : undefined),
      apply: (value) => {
        config.saveRules = parseSaveRules(value) ?? [];
        options.saveRules = config.saveRules;
      },
    },
    fixed('appendfsync', () => 'no'),
    {
      name: 'requirepass',
      get: () => options.requirepass,
      check: () => undefined,
      apply: (value) => {
        options.requirepass = value;
      },
    },
    integerParameter(
      'maxclients',
      1,
      1_000_000,
      () => limits.clientsMax,
      (value) => {
        limits.clientsMax = value;
        options.maxclients = value;
      },
    ),
    integerParameter(
      'timeout',
      0,
      2_147_483_647,
      () => options.timeoutSeconds,
      (value) => {
        options.timeoutSeconds = value;
      },
    ),
    ...memoryParameters(config),
    memoryParameter(
      'proto-max-bulk-len',
      () => limits.bulkBytesMax,
      (value) => {
        limits.bulkBytesMax = value;
        limits.queryBufferBytesMax = Math.max(limits.queryBufferBytesMax, value);
        limits.tensorBytesMax = Math.min(DEFAULT_LIMITS.tensorBytesMax, value);
      },
      1024 * 1024,
      STRING_CHARS_MAX,
      // Redis takes 512mb; an argument here is a V8 string, which holds 24 bytes less.
      ` (${STRING_CHARS_MAX} bytes is the longest string Node.js holds)`,
    ),
    memoryParameter(
      'client-query-buffer-limit',
      () => limits.queryBufferBytesMax,
      (value) => {
        limits.queryBufferBytesMax = Math.max(value, limits.bulkBytesMax);
      },
      1024 * 1024,
    ),
  ];
}

/** maxmemory and its eviction settings; each change is passed on to the memory guard. */
function memoryParameters(config: RuntimeConfig): ConfigParameter[] {
  const options = config.options;
  const changed = (): void => config.memorySettingsChanged();
  const integer = (name: string, key: IntegerOption, min: number): ConfigParameter =>
    integerParameter(
      name,
      min,
      name === 'maxmemory-eviction-tenacity' ? 100 : INT_MAX,
      () => options[key],
      (value) => {
        options[key] = value;
        changed();
      },
    );
  return [
    memoryParameter(
      'maxmemory',
      () => options.maxmemoryBytes,
      (value) => {
        options.maxmemoryBytes = value;
        changed();
      },
    ),
    enumParameter(
      'maxmemory-policy',
      MAXMEMORY_POLICIES,
      () => options.maxmemoryPolicy,
      (value) => {
        options.maxmemoryPolicy = value;
        changed();
      },
    ),
    integer('maxmemory-samples', 'maxmemorySamples', 1),
    integer('maxmemory-eviction-tenacity', 'maxmemoryEvictionTenacity', 0),
    integer('lfu-log-factor', 'lfuLogFactor', 0),
    integer('lfu-decay-time', 'lfuDecayTimeMinutes', 0),
  ];
}
