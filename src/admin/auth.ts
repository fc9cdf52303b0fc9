/**
 * `requirepass` on the REST admin API. With a password set, every route but the probes
 * (GET/HEAD /healthz and /readyz, which orchestrators call without credentials and which reveal
 * nothing) needs one of:
 *
 *   Authorization: Bearer <password>
 *   Authorization: Basic base64("default:<password>")   Redis' single user, `default`
 *
 * Anything else answers 401 ERR_UNAUTHORIZED with a WWW-Authenticate challenge before the body
 * is read, so an unauthenticated request changes nothing. The password is read per request:
 * CONFIG SET requirepass takes effect at once, as it does for RESP connections.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './errors.js';

/** Redis' default user: the only user name `requirepass` knows. */
export const AUTH_USER = 'default';

const OPEN_ROUTES: ReadonlySet<string> = new Set(['/healthz', '/readyz']);

/** Both schemes we accept; a client (curl, a browser, Prometheus) picks the one it speaks. */
const CHALLENGES = ['Basic realm="memlayer", charset="UTF-8"', 'Bearer realm="memlayer"'];

export type AuthVerdict = 'ok' | 'missing' | 'wrong';

/**
 * Checks an Authorization header against the password. Passwords are compared as UTF-8 bytes
 * (what a shell passes to --requirepass and what curl -u sends); a Bearer header is taken as
 * the bytes on the wire. Digests of equal length go to timingSafeEqual, so neither the time
 * taken nor an early length mismatch says anything about the password.
 */
export function checkAuthorization(header: string | undefined, password: string): AuthVerdict {
  const given = credential(header);
  if (given === undefined) return 'missing';
  const samePassword = timingSafeEqual(digest(given.password), digest(Buffer.from(password)));
  return samePassword && given.user === AUTH_USER ? 'ok' : 'wrong';
}

/** User and password bytes from a Bearer or Basic header; undefined if neither. */
function credential(header: string | undefined): { user: string; password: Buffer } | undefined {
  // One space after the scheme (RFC 7235): a password may itself start with spaces.
  const match = /^(Bearer|Basic) (.*)$/is.exec(header ?? '');
  const scheme = match?.[1]?.toLowerCase();
  const rest = match?.[2] ?? '';
  // Node hands header values over as latin1: back to the bytes that were sent.
  if (scheme === 'bearer') return { user: AUTH_USER, password: Buffer.from(rest, 'latin1') };
  if (scheme !== 'basic' || !/^[A-Za-z0-9+/]+={0,2}$/.test(rest)) return undefined;
  const decoded = Buffer.from(rest, 'base64');
  const colon = decoded.indexOf(0x3a);
  if (colon === -1) return undefined;
  return {
    user: decoded.subarray(0, colon).toString('utf8'),
    password: decoded.subarray(colon + 1),
  };
}

function digest(bytes: Buffer): Buffer {
  return createHash('sha256').update(bytes).digest();
}

/** The header a client sends: Basic, because it carries any password bytes (Bearer: latin1). */
export function basicAuthorization(password: string): string {
  return `Basic ${Buffer.from(`${AUTH_USER}:${password}`, 'utf8').toString('base64')}`;
}

function isProbe(request: FastifyRequest): boolean {
  const route = request.routeOptions.url;
  return (
    (request.method === 'GET' || request.method === 'HEAD') &&
    route !== undefined &&
    OPEN_ROUTES.has(route)
  );
}

/**
 * Adds the check to `app` (the root instance, before the routes are registered, so that it
 * covers every plugin, unknown routes included). `password()` = '' turns it off.
 */
export function requirePassword(app: FastifyInstance, password: () => string): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const expected = password();
    if (expected === '' || isProbe(request)) return;
    const verdict = checkAuthorization(request.headers.authorization, expected);
    if (verdict === 'ok') return;
    const message =
      verdict === 'missing'
        ? 'authentication required: send Authorization: Bearer <password> or Basic with user default'
        : 'invalid username-password pair';
    return reply
      .code(401)
      .header('www-authenticate', CHALLENGES)
      .send(errorBody('ERR_UNAUTHORIZED', message));
  });
}
