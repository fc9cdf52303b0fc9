/** Lookups and the push/pop cores shared by the list commands. */
import { ListDeque } from '../../store/list.js';
import type { ApplyEnv, Keyspace } from '../../store/keyspace.js';
import { NOT_POSITIVE, WRONG_ARITY, WRONGTYPE } from '../errors.js';
import { EMPTY_ARRAY, ErrorReply, NULL_ARRAY, type Reply } from '../reply.js';
import { parseInt64Number } from '../../store/numbers.js';

export function readList(
  db: Keyspace,
  key: string,
  nowMs: number,
): ListDeque | undefined | ErrorReply {
  const value = db.get(key, nowMs);
  if (value === undefined || value instanceof ListDeque) return value;
  return WRONGTYPE;
}

export function writeList(
  db: Keyspace,
  key: string,
  nowMs: number,
): ListDeque | undefined | ErrorReply {
  const value = db.getForWrite(key, nowMs);
  if (value === undefined || value instanceof ListDeque) return value;
  return WRONGTYPE;
}

/** Pushes `element` onto `key` (created if absent), as LMOVE's destination step. */
export function pushOne(
  db: Keyspace,
  key: string,
  list: ListDeque | undefined,
  element: string,
  front: boolean,
): void {
  let target = list;
  if (target === undefined) {
    target = new ListDeque();
    db.put(key, target);
  } else {
    db.changed(key);
  }
  if (front) target.pushFront(element);
  else target.pushBack(element);
}

/** LPUSH/RPUSH/LPUSHX/RPUSHX: the list length after the push, 0 for X on a missing key. */
export function push(
  db: Keyspace,
  args: readonly string[],
  env: ApplyEnv,
  front: boolean,
  onlyIfExists: boolean,
): Reply {
  const key = args[1] as string;
  const value = db.getForWrite(key, env.nowMs);
  let list: ListDeque;
  if (value === undefined) {
    if (onlyIfExists) return 0;
    list = new ListDeque();
    db.put(key, list);
  } else if (value instanceof ListDeque) {
    list = value;
    db.changed(key);
  } else {
    return WRONGTYPE;
  }
  if (front) for (let i = 2; i < args.length; i++) list.pushFront(args[i] as string);
  else for (let i = 2; i < args.length; i++) list.pushBack(args[i] as string);
  return list.length;
}

/**
 * LPOP/RPOP key [count]. Without a count: the element or a null bulk. With a count: an array,
 * a null array for a missing key (RESP2 `*-1`, RESP3 `_`), an empty array for count 0.
 */
export function pop(
  db: Keyspace,
  args: readonly string[],
  env: ApplyEnv,
  front: boolean,
  name: string,
): Reply {
  if (args.length > 3) return WRONG_ARITY(name);
  let count = -1;
  if (args.length === 3) {
    const parsed = parseInt64Number(args[2] as string);
    if (parsed === undefined || parsed < 0) return NOT_POSITIVE;
    count = parsed;
  }
  const key = args[1] as string;
  const list = writeList(db, key, env.nowMs);
  if (list instanceof ErrorReply) return list;
  if (list === undefined) return count < 0 ? null : NULL_ARRAY;
  if (count === 0) return EMPTY_ARRAY;
  let reply: Reply;
  if (count < 0) {
    reply = (front ? list.popFront() : list.popBack()) ?? null;
  } else {
    const out = new Array<string>(Math.min(count, list.length));
    for (let i = 0; i < out.length; i++)
      out[i] = (front ? list.popFront() : list.popBack()) as string;
    reply = out;
  }
  if (list.length === 0) db.delete(key);
  else db.changed(key);
  return reply;
}

/** Redis' clamp for LRANGE/LTRIM: negative indexes count from the end. [start, end] or null if empty. */
export function clampRange(start: number, end: number, length: number): [number, number] | null {
  let from = start < 0 ? length + start : start;
  let to = end < 0 ? length + end : end;
  if (from < 0) from = 0;
  if (from > to || from >= length) return null;
  if (to >= length) to = length - 1;
  return [from, to];
}

/** LEFT / RIGHT (any case) as LMOVE's wherefrom/whereto; undefined otherwise. */
export function parseSide(arg: string): 'left' | 'right' | undefined {
  const lower = arg.toLowerCase();
  return lower === 'left' || lower === 'right' ? lower : undefined;
}
