/**
 * Password check shared by AUTH and HELLO ... AUTH. One user, `default`, with Redis'
 * `requirepass` semantics: no password configured means `default` is `nopass` and any password
 * is accepted for it. The JWT issue replaces this with token verification.
 */
import { timingSafeEqual } from 'node:crypto';
import { ErrorReply } from '../reply.js';
import type { SessionContext } from '../context.js';

export const WRONGPASS = new ErrorReply(
  'WRONGPASS invalid username-password pair or user is disabled.',
);

/** Authenticates the session on success; returns WRONGPASS otherwise (state unchanged). */
export function authenticate(
  ctx: SessionContext,
  user: string,
  password: string,
): ErrorReply | undefined {
  const required = ctx.server.config.requirepass;
  if (user !== 'default' || (required !== '' && !sameBytes(password, required))) return WRONGPASS;
  ctx.session.authenticated = true;
  return undefined;
}

/** Constant-time comparison, so a wrong password's timing says nothing about the right one. */
function sameBytes(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'latin1');
  const b = Buffer.from(expected, 'latin1');
  return a.length === b.length && timingSafeEqual(a, b);
}
