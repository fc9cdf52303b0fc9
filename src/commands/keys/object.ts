/**
 * OBJECT ENCODING | FREQ | IDLETIME | REFCOUNT key, OBJECT HELP. ENCODING answers the encoding
 * Redis would choose for a value of this content and size (clients and tests read it).
 *
 * IDLETIME and FREQ read this node's access tracking (src/store/access.ts), which is on while
 * maxmemory is set or an LRU/LFU policy is selected. As Redis: under an LFU policy IDLETIME is
 * an error and FREQ the decayed counter; under any other policy FREQ is an error. With tracking
 * off (the default: maxmemory 0, noeviction) IDLETIME answers 0: no access time is kept, so the
 * hot path pays nothing for it. Like any node-local answer (Redis replicas have their own LRU
 * clocks too), these are not replicated state; OBJECT does not count as an access.
 */
import type { AccessTracker } from '../../store/access.js';
import { KeyMonitor } from '../../store/eviction.js';
import type { Keyspace } from '../../store/keyspace.js';
import type { Value } from '../../store/values.js';
import { parseInt64 } from '../../store/numbers.js';
import { UNKNOWN_SUBCOMMAND, WRONG_ARITY } from '../errors.js';
import { ErrorReply, SimpleString } from '../reply.js';
import type { Reply } from '../reply.js';
import type { DataCommandSpec, DataHandler } from '../spec.js';
import { is } from './args.js';

/** Redis' defaults: *-max-listpack-entries / -value and set-max-intset-entries. */
const LISTPACK_ENTRIES_MAX = 128;
const LISTPACK_VALUE_BYTES_MAX = 64;
const INTSET_ENTRIES_MAX = 512;
/** Strings up to this length are allocated with their object header (OBJ_ENCODING_EMBSTR). */
export const EMBSTR_BYTES_MAX = 44;
/** Redis shares the integer objects 0..9999 (OBJ_SHARED_INTEGERS) with this refcount. */
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;

const NO_LFU = new ErrorReply(
  'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
);
const LFU_NO_IDLETIME = new ErrorReply(
  'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
);

const HELP: readonly Reply[] = [
  'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
  'HELP',
  '    Prints this help.',
].map((line) => new SimpleString(line as string));

function isInteger(text: string): boolean {
  return text.length <= 20 && parseInt64(text) !== undefined;
}

function fitsListpack(items: Iterable<string>, count: number): boolean {
  if (count > LISTPACK_ENTRIES_MAX) return false;
  for (const item of items) if (item.length > LISTPACK_VALUE_BYTES_MAX) return false;
  return true;
}

/** The encoding Redis would report for this value. */
export function encodingOf(value: Value): string {
  if (typeof value === 'string') {
    if (isInteger(value)) return 'int';
    return value.length <= EMBSTR_BYTES_MAX ? 'embstr' : 'raw';
  }
  switch (value.kind) {
    case 'hash': {
      const fields = value.fields;
      const small =
        fitsListpack(fields.keys(), fields.size) && fitsListpack(fields.values(), fields.size);
      return small ? 'listpack' : 'hashtable';
    }
    case 'set': {
      const members = value.members;
      if (members.size <= INTSET_ENTRIES_MAX && [...members].every(isInteger)) return 'intset';
      return fitsListpack(members, members.size) ? 'listpack' : 'hashtable';
    }
    case 'list':
      return value.length <= LISTPACK_ENTRIES_MAX ? 'listpack' : 'quicklist';
    case 'zset':
      return value.size <= LISTPACK_ENTRIES_MAX ? 'listpack' : 'skiplist';
    case 'tensor':
      return 'tensor';
    case 'stream':
      return 'stream';
  }
}

function refcountOf(value: Value): number {
  if (typeof value !== 'string') return 1;
  const n = parseInt64(value);
  return typeof n === 'number' && n >= 0 && n < SHARED_INTEGERS ? SHARED_REFCOUNT : 1;
}

/** The access tracker, when tracking is on (the observer is then the eviction monitor). */
function accessOf(db: Keyspace): AccessTracker | undefined {
  const observer = db.observer;
  return observer instanceof KeyMonitor ? observer.access : undefined;
}

function frequencyOf(db: Keyspace, key: string, nowMs: number): Reply {
  const access = accessOf(db);
  return access?.mode === 'lfu' ? access.frequency(key, nowMs) : NO_LFU;
}

function idleSecondsOf(db: Keyspace, key: string, nowMs: number): Reply {
  const access = accessOf(db);
  if (access === undefined) return 0;
  if (access.mode === 'lfu') return LFU_NO_IDLETIME;
  return Math.floor(access.idleMs(key, nowMs) / 1000);
}

/** The container's handler: the state machine applies it for every OBJECT subcommand. */
const applyObject: DataHandler = (db, args, env) => {
  const sub = args[1] as string;
  if (is(sub, 'HELP')) return args.length === 2 ? HELP : WRONG_ARITY('object|help');
  const known =
    is(sub, 'ENCODING') || is(sub, 'FREQ') || is(sub, 'IDLETIME') || is(sub, 'REFCOUNT');
  if (!known) return UNKNOWN_SUBCOMMAND(sub, 'object');
  if (args.length !== 3) return WRONG_ARITY(`object|${sub.toLowerCase()}`);
  const key = args[2] as string;
  const value = db.get(key, env.nowMs);
  if (value === undefined) return null;
  if (is(sub, 'ENCODING')) return db.stringEncodingOf(key) ?? encodingOf(value);
  if (is(sub, 'FREQ')) return frequencyOf(db, key, env.nowMs);
  if (is(sub, 'IDLETIME')) return idleSecondsOf(db, key, env.nowMs);
  return refcountOf(value);
};

/** One OBJECT <sub> key subcommand, with Redis 7.2's arity, flags and categories. */
function keySubcommand(name: string, summary: string, since: string): DataCommandSpec {
  return {
    kind: 'data',
    name: `object|${name}`,
    arity: 3,
    flags: ['readonly'],
    categories: ['@keyspace', '@read', '@slow'],
    keys: { first: 2, last: 2, step: 1 },
    keySpecs: [{ flags: ['RO'], begin: { index: 2 }, find: { lastKey: 0, keyStep: 1, limit: 0 } }],
    tips: ['nondeterministic_output'],
    summary,
    group: 'generic',
    since,
    syntax: 'key',
    apply: applyObject,
  };
}

export const objectSubcommands: readonly DataCommandSpec[] = [
  keySubcommand('encoding', 'Returns the internal encoding of a Redis object.', '2.2.3'),
  keySubcommand(
    'freq',
    'Returns the logarithmic access frequency counter of a Redis object.',
    '4.0.0',
  ),
  keySubcommand('idletime', 'Returns the time since the last access to a Redis object.', '2.2.3'),
  keySubcommand('refcount', 'Returns the reference count of a value of a key.', '2.2.3'),
  {
    kind: 'data',
    name: 'object|help',
    arity: 2,
    flags: ['loading', 'stale'],
    categories: ['@keyspace', '@slow'],
    keys: { first: 0, last: 0, step: 0 },
    summary: 'Returns helpful text about the different subcommands.',
    group: 'generic',
    since: '6.2.0',
    syntax: '',
    apply: applyObject,
  },
];

/**
 * OBJECT is a container, as in Redis: the dispatcher resolves the subcommand and checks its
 * arity first, so a bad one is refused even while MULTI queues (EXEC then answers EXECABORT).
 */
export const object = {
  kind: 'data',
  name: 'object',
  arity: -2,
  flags: [],
  categories: ['@slow'],
  keys: { first: 0, last: 0, step: 0 },
  summary: 'A container for object introspection commands.',
  group: 'generic',
  since: '2.2.3',
  syntax: '<subcommand> [arguments ...]',
  apply: applyObject,
  subcommands: objectSubcommands,
} as const satisfies DataCommandSpec;
