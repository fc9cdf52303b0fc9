/**
 * COMMAND INFO / DOCS / LIST / GETKEYS replies, generated from the command table. Shapes follow
 * Redis 7: sets (`~` in RESP3) for flags, categories, tips, key specs and subcommands; maps for
 * key specs and docs. Internal commands (names starting with `__`) are not listed.
 */
import { globMatch } from '../../store/glob.js';
import { MapReply, SetReply, SimpleString, type Reply } from '../reply.js';
import type { AnySpec } from '../registry.js';
import type { CommandSpec, KeySpec } from '../spec.js';

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

/** The key specification Redis 7 derives from legacy (first, last, step) positions. */
function keySpecs(spec: CommandSpec<never>): Reply[] {
  const keys: KeySpec = spec.keys;
  if (keys.first <= 0) return [];
  const write = spec.flags.includes('write');
  const lastkey = keys.last < 0 ? keys.last : keys.last - keys.first;
  return [
    new MapReply([
      ['flags', new SetReply(write ? [RW, UPDATE] : [RO, ACCESS])],
      [
        'begin_search',
        new MapReply([
          ['type', 'index'],
          ['spec', new MapReply([['index', keys.first]])],
        ]),
      ],
      [
        'find_keys',
        new MapReply([
          ['type', 'range'],
          [
            'spec',
            new MapReply([
              ['lastkey', lastkey],
              ['keystep', keys.step],
              ['limit', 0],
            ]),
          ],
        ]),
      ],
    ]),
  ];
}

const RW = new SimpleString('RW');
const RO = new SimpleString('RO');
const ACCESS = new SimpleString('access');
const UPDATE = new SimpleString('update');

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
    new SetReply([]),
    new SetReply(keySpecs(spec)),
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

/** The key arguments of `args` (args[0] is the command) by the spec's legacy positions. */
export function keysOf(spec: CommandSpec<never>, args: readonly string[]): string[] {
  const { first, last, step } = spec.keys;
  const lastIndex = last < 0 ? args.length + last : Math.min(last, args.length - 1);
  const keys: string[] = [];
  for (let i = first; i <= lastIndex && step > 0; i += step) keys.push(args[i] ?? '');
  return keys;
}
