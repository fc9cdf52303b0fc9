/** CLIENT LIST / CLIENT INFO lines and client-name rules, as Redis 7.2 prints and checks them. */
import { ErrorReply } from '../reply.js';
import type { ClientSession } from '../context.js';

export const NAME_CHARSET_ERROR = new ErrorReply(
  'ERR Client names cannot contain spaces, newlines or special characters.',
);

/** Printable ASCII without space ('!'..'~'), so CLIENT LIST stays splittable on spaces. */
export function isValidClientName(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const code = name.charCodeAt(i);
    if (code < 0x21 || code > 0x7e) return false;
  }
  return true;
}

/** The flags Redis 7.2 can show for a plain client, in its order (getClientInfoString). */
function flagsOf(session: ClientSession): string {
  let flags = '';
  if (session.multi !== undefined || session.execQueuedCount !== undefined) flags += 'x';
  if (session.closeAfterReply) flags += 'c';
  if (session.readonlyMode) flags += 'r';
  if (session.noEvict) flags += 'e';
  if (session.noTouch) flags += 'T';
  return flags === '' ? 'N' : flags;
}

/**
 * One client's line, fields in Redis 7.2's order. Buffer sizes and the file descriptor are not
 * visible to the command layer: they print as 0 (fd as -1, as Redis prints for fake clients).
 */
export function clientInfoLine(session: ClientSession, nowMs: number): string {
  const ageSeconds = Math.max(0, Math.floor((nowMs - session.createdMs) / 1000));
  const idleSeconds = Math.max(0, Math.floor((nowMs - session.lastInteractionMs) / 1000));
  const multi = session.multi?.length ?? session.execQueuedCount ?? -1;
  return (
    `id=${session.id} addr=${session.connection.remoteAddress} ` +
    `laddr=${session.connection.localAddress} fd=-1 name=${session.name} ` +
    `age=${ageSeconds} idle=${idleSeconds} flags=${flagsOf(session)} db=0 sub=0 psub=0 ssub=0 ` +
    `multi=${multi} qbuf=0 qbuf-free=0 argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 ` +
    `tot-mem=0 events=r cmd=${session.lastCommand} user=default redir=-1 ` +
    `resp=${session.protocol} lib-name=${session.libName} lib-ver=${session.libVersion}`
  );
}
