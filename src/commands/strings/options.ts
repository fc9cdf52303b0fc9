/**
 * The options of SET and GETEX (Redis parseExtendedStringArgumentsOrReply), with Redis' rules
 * for which combinations are a syntax error. Only called when options are present: a plain
 * `SET key value` never gets here.
 */
import { SYNTAX } from '../errors.js';
import type { ErrorReply } from '../reply.js';
import { is, optionExpiry } from '../keys/args.js';

export const NX = 1;
export const XX = 2;
export const GET = 4;
export const KEEPTTL = 8;
export const PERSIST = 16;
export const EX = 32;
export const PX = 64;
export const EXAT = 128;
export const PXAT = 256;
const EXPIRY = EX | PX | EXAT | PXAT;

export interface StringOptions {
  flags: number;
  /** The expiry argument, if EX/PX/EXAT/PXAT was given. */
  expiry: string | undefined;
}

/** Parses args[start..]; `forSet` enables NX/XX/GET/KEEPTTL (SET), else PERSIST (GETEX). */
export function parseStringOptions(
  args: readonly string[],
  start: number,
  forSet: boolean,
): StringOptions | ErrorReply {
  const options: StringOptions = { flags: 0, expiry: undefined };
  for (let j = start; j < args.length; j++) {
    const option = args[j];
    const next = args[j + 1];
    const flags = options.flags;
    let flag = 0;
    if (forSet && is(option, 'NX') && !(flags & XX)) flag = NX;
    else if (forSet && is(option, 'XX') && !(flags & NX)) flag = XX;
    else if (forSet && is(option, 'GET')) flag = GET;
    else if (forSet && is(option, 'KEEPTTL') && !(flags & (PERSIST | EXPIRY))) flag = KEEPTTL;
    else if (!forSet && is(option, 'PERSIST') && !(flags & (KEEPTTL | EXPIRY))) flag = PERSIST;
    else if (next !== undefined && !(flags & (KEEPTTL | PERSIST))) flag = expiryFlag(option, flags);
    if (flag === 0) return SYNTAX;
    options.flags |= flag;
    if (flag & EXPIRY) {
      options.expiry = next;
      j++;
    }
  }
  return options;
}

/** EX/PX/EXAT/PXAT, each allowed only if no *other* expiry option came before. */
function expiryFlag(option: string | undefined, flags: number): number {
  if (is(option, 'EX') && !(flags & (EXPIRY & ~EX))) return EX;
  if (is(option, 'PX') && !(flags & (EXPIRY & ~PX))) return PX;
  if (is(option, 'EXAT') && !(flags & (EXPIRY & ~EXAT))) return EXAT;
  if (is(option, 'PXAT') && !(flags & (EXPIRY & ~PXAT))) return PXAT;
  return 0;
}

/** The absolute expiry the options ask for, or the error reply. */
export function expiryOf(
  options: StringOptions,
  nowMs: number,
  command: string,
): number | ErrorReply {
  const { flags, expiry } = options;
  if (expiry === undefined) return 0;
  const unitMs = flags & (EX | EXAT) ? 1000 : 1;
  return optionExpiry(expiry, unitMs, (flags & (EX | PX)) !== 0, nowMs, command);
}
