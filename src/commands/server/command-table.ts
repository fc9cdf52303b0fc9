/**
 * COMMAND INFO / DOCS / LIST / GETKEYS replies, generated from the command table. Shapes follow
 * Redis 7: sets (`~` in RESP3) for flags, categories, tips, key specs and subcommands; maps for
 * key specs and docs. Internal commands (names starting with `__`) are not listed.
 */
import { globMatch } from '../../store/glob.js';
import { MapReply, SetReply, SimpleString, type Reply } from '../reply.js';
import type { AnySpec } from '../registry.js';
import type { CommandSpec, KeySpec, KeySpecification } from '../spec.js';

export function isInternal(name: string): boolean {
  return name.startsWith('__');
}

/** Public commands in table order. */
export function publicCommands(table: ReadonlyMap<string, AnySpec>): AnySpec[] {
  return [...table.values()].filter((spec) => !isInternal(spec.name));
}

export function subcommandsOf(spec: CommandSpec<never>): readonly CommandSpec<never>[] {
  return spec.subcommands ?? [];
}

/** `get`, `GET`, `client|list`, `CLIENT|LIST`: the spec, or undefined. */
export function findCommand(
  table: ReadonlyMap<string, AnySpec>,
  name: string,
): CommandSpec<never> | undefined {
  const [container = '', sub] = name.toLowerCase().split('|', 2);
  const spec = isInternal(container) ? undefined : table.get(container);
  if (spec === undefined || sub === undefined) return spec;
  return subcommandsOf(spec).find((candidate) => candidate.name === `${container}|${sub}`);
}

/** The key specifications of a command: its own, or the one its legacy positions imply. */
export function keySpecsOf(spec: CommandSpec<never>): readonly KeySpecification[] {
  if (spec.keySpecs !== undefined) return spec.keySpecs;
  const keys: KeySpec = spec.keys;
  if (keys.first <= 0) return [];
  const write = spec.flags.includes('write');
  const lastKey = keys.last < 0 ? keys.last : keys.last - keys.first;
  return [
    {
      flags: write ? ['RW', 'update'] : ['RO', 'access'],
      begin: { index: keys.first },
      find: { lastKey, keyStep: keys.step, limit: 0 },
    },
  ];
}

function keySpecReply(keySpec: KeySpecification): Reply {
  const begin = keySpec.begin;
  const find = keySpec.find;
  const entries: [Reply, Reply][] = [];
  if (keySpec.notes !== undefined) entries.push(['notes', keySpec.notes]);
  entries.push(['flags', new SetReply(keySpec.flags.map((flag) => new SimpleString(flag)))]);
  entries.push([
    'begin_search',
    'index' in begin
      ? new MapReply([
          ['type', 'index'],
          ['spec', new MapReply([['index', begin.index]])],
        ])
      : new MapReply([
          ['type', 'keyword'],
          [
            'spec',
            new MapReply([
              ['keyword', begin.keyword],
              ['startfrom', begin.startFrom],
            ]),
          ],
        ]),
  ]);
  entries.push([
    'find_keys',
    'lastKey' in find
      ? new MapReply([
          ['type', 'range'],
          [
            'spec',
            new MapReply([
              ['lastkey', find.lastKey],
              ['keystep', find.keyStep],
              ['limit', find.limit],
            ]),
          ],
        ])
      : new MapReply([
          ['type', 'keynum'],
          [
            'spec',
            new MapReply([
              ['keynumidx', find.keyNumIndex],
              ['firstkey', find.firstKey],
              ['keystep', find.keyStep],
            ]),
          ],
        ]),
  ]);
  return new MapReply(entries);
}

/** One COMMAND INFO entry: name, arity, flags, first, last, step, categories, tips, keys, subs. */
export function commandInfo(spec: CommandSpec<never>): Reply {
  return [
    spec.name,
    spec.arity,
    new SetReply(spec.flags.map((flag) => new SimpleString(flag))),
    spec.keys.first,
    spec.keys.last,
    spec.keys.step,
    new SetReply(spec.categories.map((category) => new SimpleString(category))),
    // Tips are bulk strings in Redis, unlike flags and categories.
    new SetReply([...(spec.tips ?? [])]),
    new SetReply(keySpecsOf(spec).map(keySpecReply)),
    new SetReply(subcommandsOf(spec).map(commandInfo)),
  ];
}

/** One COMMAND DOCS entry (a map): summary, since, group, syntax, and subcommands if any. */
export function commandDocs(spec: CommandSpec<never>): Reply {
  const entries: [Reply, Reply][] = [
    ['summary', spec.summary],
    ['since', spec.since],
    ['group', spec.group],
  ];
  const subs = subcommandsOf(spec);
  if (subs.length > 0)
    entries.push(['subcommands', new MapReply(subs.map((sub) => [sub.name, commandDocs(sub)]))]);
  return new MapReply(entries);
}

export type ListFilter =
  | { readonly kind: 'none' }
  | { readonly kind: 'module'; readonly value: string }
  | { readonly kind: 'aclcat'; readonly value: string }
  | { readonly kind: 'pattern'; readonly value: string };

function passes(spec: CommandSpec<never>, filter: ListFilter): boolean {
  switch (filter.kind) {
    case 'none':
      return true;
    case 'module':
      return false; // no modules are loaded
    case 'aclcat': {
      const wanted = `@${filter.value.toLowerCase().replace(/^@/, '')}`;
      return spec.categories.some((category) => category === wanted);
    }
    case 'pattern':
      return globMatch(filter.value, spec.name, true);
  }
}

/** COMMAND LIST: every name, subcommands as `container|sub`, that passes the filter. */
export function commandNames(table: ReadonlyMap<string, AnySpec>, filter: ListFilter): string[] {
  const names: string[] = [];
  for (const spec of publicCommands(table)) {
    if (passes(spec, filter)) names.push(spec.name);
    for (const sub of subcommandsOf(spec)) if (passes(sub, filter)) names.push(sub.name);
  }
  return names;
}

/** True if COMMAND GETKEYS can find keys in this command (Redis doesCommandHaveKeys). */
export function hasKeys(spec: CommandSpec<never>): boolean {
  return keySpecsOf(spec).some((keySpec) => !keySpec.flags.includes('not_key'));
}

/**
 * The key arguments of `args` (args[0] is the command) by the spec's key specifications, as
 * Redis' getKeysUsingKeySpecs finds them; undefined if a count argument is not a positive
 * integer or promises more keys than there are arguments (Redis: invalid arguments).
 */
export function keysOf(spec: CommandSpec<never>, args: readonly string[]): string[] | undefined {
  const keys: string[] = [];
  for (const keySpec of keySpecsOf(spec)) {
    if (keySpec.flags.includes('not_key')) continue;
    const first = beginOf(keySpec, args);
    if (first === undefined) continue;
    const found = positionsOf(keySpec, args, first);
    if (found === undefined) return undefined;
    for (const position of found) keys.push(args[position] ?? '');
  }
  return keys;
}

/** The argument index a key search starts at; undefined if its keyword is absent. */
function beginOf(keySpec: KeySpecification, args: readonly string[]): number | undefined {
  const begin = keySpec.begin;
  if ('index' in begin) return begin.index;
  const keyword = begin.keyword.toLowerCase();
  const forward = begin.startFrom >= 0;
  const start = forward ? begin.startFrom : args.length + begin.startFrom;
  for (let i = start; forward ? i < args.length : i > 0; i += forward ? 1 : -1) {
    if ((args[i] ?? '').toLowerCase() === keyword) return i + 1;
  }
  return undefined;
}

function positionsOf(
  keySpec: KeySpecification,
  args: readonly string[],
  first: number,
): number[] | undefined {
  const find = keySpec.find;
  let start = first;
  let last: number;
  let step: number;
  if ('lastKey' in find) {
    step = find.keyStep;
    if (find.lastKey >= 0) last = first + find.lastKey;
    else if (find.limit <= 1) last = args.length + find.lastKey;
    else last = first + Math.floor((args.length - first) / find.limit) + find.lastKey;
  } else {
    // SINTERCARD-style: Redis' genericGetKeys wants 1..(what the arguments can hold) keys.
    const count = Number(args[first + find.keyNumIndex] ?? '');
    start = first + find.firstKey;
    step = find.keyStep;
    const room = Math.floor((args.length - start + step - 1) / step);
    if (!Number.isSafeInteger(count) || count < 1 || count > room) return undefined;
    last = start + (count - 1) * step;
  }
  const positions: number[] = [];
  // Arguments the command did not get (a variadic command called short) hold no keys.
  for (let i = start; i <= last && step > 0; i += step) if (i < args.length) positions.push(i);
  return positions;
}
