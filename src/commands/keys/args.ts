/**
 * Argument helpers shared by the keys and strings families: case-insensitive option matching
 * without allocation, Redis' integer parsing, and the two ways Redis turns a TTL argument into
 * an absolute expiry (SET/GETEX options vs EXPIRE), with their exact error replies.
 */
import { INVALID_EXPIRE, NOT_INTEGER } from '../errors.js';
import { ErrorReply } from '../reply.js';
import type { KeySpec } from '../spec.js';
import { parseInt64Number } from '../../store/numbers.js';

/** One key, at argument 1. */
export const KEY_1: KeySpec = Object.freeze({ first: 1, last: 1, step: 1 });
/** Every argument from 1 on is a key. */
export const KEYS_ALL: KeySpec = Object.freeze({ first: 1, last: -1, step: 1 });
/** Keys at arguments 1 and 2. */
export const KEYS_1_2: KeySpec = Object.freeze({ first: 1, last: 2, step: 1 });
/** Key/value pairs from argument 1 on (MSET). */
export const KEYS_PAIRS: KeySpec = Object.freeze({ first: 1, last: -1, step: 2 });

/** Redis' LLONG_MAX / LLONG_MIN as the nearest doubles (2^63): bounds checks on TTLs only. */
export const LLONG_MAX = 2 ** 63;
export const LLONG_MIN = -(2 ** 63);

/** ASCII case-insensitive equality with an upper-case literal, without allocating. */
export function is(arg: string | undefined, upper: string): boolean {
  if (arg === undefined || arg.length !== upper.length) return false;
  for (let i = 0; i < upper.length; i++) {
    const c = arg.charCodeAt(i);
    const folded = c >= 97 && c <= 122 ? c - 32 : c;
    if (folded !== upper.charCodeAt(i)) return false;
  }
  return true;
}

/** An int64 argument as a number, or the Redis error reply. */
export function intArg(text: string | undefined): number | ErrorReply {
  const value = text === undefined ? undefined : parseInt64Number(text);
  return value === undefined ? NOT_INTEGER : value;
}

/**
 * SET / SETEX / PSETEX / GETEX expiry (Redis getExpireMillisecondsOrReply): a positive TTL in
 * seconds or ms, relative to now (EX, PX) or absolute (EXAT, PXAT). Answers the absolute expiry
 * in ms, or the error reply.
 */
export function optionExpiry(
  text: string,
  unitMs: 1 | 1000,
  relative: boolean,
  nowMs: number,
  command: string,
): number | ErrorReply {
  const value = parseInt64Number(text);
  if (value === undefined) return NOT_INTEGER;
  if (value <= 0 || (unitMs === 1000 && value > LLONG_MAX / 1000)) return INVALID_EXPIRE(command);
  const atMs = value * unitMs + (relative ? nowMs : 0);
  if (atMs > LLONG_MAX) return INVALID_EXPIRE(command);
  return atMs;
}

/**
 * EXPIRE family (Redis expireGenericCommand): any int64, negative allowed, relative to
 * `baseMs` (now, or 0 for the *AT forms); overflow is an error.
 */
export function commandExpiry(
  text: string,
  unitMs: 1 | 1000,
  baseMs: number,
  command: string,
): number | ErrorReply {
  const value = parseInt64Number(text);
  if (value === undefined) return NOT_INTEGER;
  if (unitMs === 1000 && (value > LLONG_MAX / 1000 || value < LLONG_MIN / 1000)) {
    return INVALID_EXPIRE(command);
  }
  const ms = value * unitMs;
  if (ms > LLONG_MAX - baseMs) return INVALID_EXPIRE(command);
  return ms + baseMs;
}

export function isError(value: unknown): value is ErrorReply {
  return value instanceof ErrorReply;
}
