/**
 * Tensor error replies. The RedisAI ones are a compatibility contract copied byte for byte from
 * RedisAI (src/execution/parsing/tensor_commands_parsing.c, src/redis_ai_objects/tensor.c);
 * the rest are memlayer's, documented in docs/tensors.md. Tests pin every string.
 */
import { ErrorReply } from '../commands/reply.js';

// RedisAI's.
export const INVALID_DTYPE = new ErrorReply('ERR invalid data type');
export const BLOB_ARITY = new ErrorReply(
  "ERR a single binary string should come after the BLOB argument in 'AI.TENSORSET' command",
);
export const VALUES_COUNT = new ErrorReply(
  "ERR wrong number of values was given in 'AI.TENSORSET' command",
);
export const BAD_SHAPE = new ErrorReply('ERR invalid or negative value found in tensor shape');
export const BLOB_LENGTH = new ErrorReply('ERR data length does not match tensor shape and type');
export const INVALID_VALUE = new ErrorReply('ERR invalid value');
/** A BOOL blob byte other than 0 or 1 (VALUES out of range are INVALID_VALUE, as RedisAI). */
export const BOOL_VALUE = new ErrorReply('ERR BOOL tensor elements must be 0 or 1');
export const UNSUPPORTED_FORMAT = new ErrorReply('ERR unsupported data format');
export const BLOB_AND_VALUES = new ErrorReply('ERR both BLOB and VALUES specified');
export const EMPTY_KEY = new ErrorReply('ERR tensor key is empty or in a different shard');
/** RedisModule_WrongArity's text: Redis' arity error, naming the command as it was typed. */
export function tensorGetArity(typed: string): ErrorReply {
  return new ErrorReply(`ERR wrong number of arguments for '${typed}' command`);
}

// memlayer's.
export const tooLarge = (bytes: bigint, bytesMax: number): ErrorReply =>
  new ErrorReply(`ERR tensor of ${bytes} bytes exceeds the limit of ${bytesMax} bytes`);
export const rankTooHigh = (rank: number, rankMax: number): ErrorReply =>
  new ErrorReply(`ERR tensor rank ${rank} exceeds the limit of ${rankMax}`);
export const LAYOUT_MISMATCH = new ErrorReply('ERR tensors differ in dtype or shape');
export const unsupportedDtype = (command: string, dtype: string): ErrorReply =>
  new ErrorReply(`ERR ${command.toUpperCase()} does not support dtype ${dtype}`);
export const NO_TENSOR = new ErrorReply('ERR no such tensor');
export const AXIS_RANGE = new ErrorReply('ERR axis out of range');
export const SLICE_RANGE = new ErrorReply('ERR slice out of range');
export const RESHAPE_COUNT = new ErrorReply('ERR new shape must have the same number of elements');
export const CAST_RANGE = new ErrorReply('ERR value does not fit the target dtype');
export const NOT_A_NUMBER = new ErrorReply('ERR value is not a valid float');
export const ARROW_BATCH = new ErrorReply(
  'ERR an ARROW batch needs existing tensors of one dtype and shape',
);
export const RANK_ZERO = new ErrorReply('ERR tensor has no first axis');
