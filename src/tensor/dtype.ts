/**
 * The dtype table: every element type a tensor may hold, its width, how VALUES are parsed and
 * replied, and the names RedisAI and memlayer clients use for it. Pure data, no I/O.
 */

export type DType =
  | 'float16'
  | 'bfloat16'
  | 'float32'
  | 'float64'
  | 'int8'
  | 'int16'
  | 'int32'
  | 'int64'
  | 'uint8'
  | 'uint16'
  | 'uint32'
  | 'uint64'
  | 'bool';

/** How elements are read and written: as floats, integers that fit a double, or BigInts. */
export type DTypeClass = 'float' | 'int' | 'bigint' | 'bool';

export interface DTypeInfo {
  readonly name: DType;
  /** Bytes per element. */
  readonly bytes: number;
  readonly class: DTypeClass;
  /** The name `AI.TENSORGET META` answers (RedisAI's spelling; extensions in the same style). */
  readonly redisai: string;
  /** Stable one-byte code used by the snapshot codec; never renumber. */
  readonly code: number;
  /** Smallest and largest integer value (integer dtypes), as bigint for exact range checks. */
  readonly min: bigint;
  readonly max: bigint;
}

function info(
  name: DType,
  bytes: number,
  cls: DTypeClass,
  redisai: string,
  code: number,
  min = 0n,
  max = 0n,
): DTypeInfo {
  return Object.freeze({ name, bytes, class: cls, redisai, code, min, max });
}

export const DTYPES: Readonly<Record<DType, DTypeInfo>> = Object.freeze({
  float16: info('float16', 2, 'float', 'FLOAT16', 1),
  bfloat16: info('bfloat16', 2, 'float', 'BFLOAT16', 2),
  float32: info('float32', 4, 'float', 'FLOAT', 3),
  float64: info('float64', 8, 'float', 'DOUBLE', 4),
  int8: info('int8', 1, 'int', 'INT8', 5, -128n, 127n),
  int16: info('int16', 2, 'int', 'INT16', 6, -32768n, 32767n),
  int32: info('int32', 4, 'int', 'INT32', 7, -2147483648n, 2147483647n),
  int64: info('int64', 8, 'bigint', 'INT64', 8, -(2n ** 63n), 2n ** 63n - 1n),
  uint8: info('uint8', 1, 'int', 'UINT8', 9, 0n, 255n),
  uint16: info('uint16', 2, 'int', 'UINT16', 10, 0n, 65535n),
  uint32: info('uint32', 4, 'int', 'UINT32', 11, 0n, 4294967295n),
  uint64: info('uint64', 8, 'bigint', 'UINT64', 12, 0n, 2n ** 64n - 1n),
  bool: info('bool', 1, 'bool', 'BOOL', 13, 0n, 1n),
});

export const ALL_DTYPES: readonly DType[] = Object.freeze(Object.keys(DTYPES) as DType[]);

/** Every accepted spelling (lower-cased): RedisAI's names, memlayer's names and common aliases. */
const NAMES: ReadonlyMap<string, DType> = new Map<string, DType>([
  ['float', 'float32'],
  ['float32', 'float32'],
  ['double', 'float64'],
  ['float64', 'float64'],
  ['float16', 'float16'],
  ['half', 'float16'],
  ['bfloat16', 'bfloat16'],
  ['int8', 'int8'],
  ['int16', 'int16'],
  ['int32', 'int32'],
  ['int64', 'int64'],
  ['uint8', 'uint8'],
  ['uint16', 'uint16'],
  ['uint32', 'uint32'],
  ['uint64', 'uint64'],
  ['bool', 'bool'],
]);

/** The dtype a client named (case-insensitive, as RedisAI's strcasecmp), or undefined. */
export function parseDType(name: string): DType | undefined {
  if (name.length > 8) return undefined;
  return NAMES.get(name.toLowerCase());
}

export function dtypeByCode(code: number): DType | undefined {
  for (const dtype of ALL_DTYPES) if (DTYPES[dtype].code === code) return dtype;
  return undefined;
}

export function isFloat(dtype: DType): boolean {
  return DTYPES[dtype].class === 'float';
}
