/**
 * Accepted sockets that read into one static buffer, shared by every connection of a server.
 *
 * Node allocates a fresh 64 KiB buffer for every read of a socket and wraps the bytes read in a
 * new Buffer; a pipelining client costs one such allocation per batch of commands. Node's
 * `onread` option (a caller-owned buffer and a callback) avoids that, but `net.createServer`
 * does not offer it for accepted sockets, so this replaces the listening handle's
 * `onconnection` and creates each socket from the accepted handle with `onread` set: Node
 * internals (the `_handle` of a server, the `handle` option of net.Socket), checked at
 * startup; without them the server keeps Node's own accept path.
 *
 * The bytes handed to a sink are only valid during the call: the next read of any connection
 * overwrites them. Reads run one at a time on the event loop, so one buffer serves all.
 */
import net from 'node:net';

/** Receives what one read put into the static buffer; must consume or copy it before returning. */
export type ReadSink = (view: Buffer) => void;

interface ListenHandle {
  onconnection: (error: number, clientHandle: unknown) => void;
}

const READ_BUFFER_BYTES = 64 * 1024;

/**
 * Takes over accepting on a listening server: `onSocket` gets every accepted socket and a
 * function to name its sink (reads before that are dropped, none arrive in the same turn).
 * Returns false, changing nothing, when this Node does not have the internals it needs.
 */
export function acceptIntoStaticBuffer(
  server: net.Server,
  onSocket: (socket: net.Socket, setSink: (sink: ReadSink) => void) => void,
  onAcceptError: (error: number) => void,
): boolean {
  const handle = (server as unknown as { _handle?: Partial<ListenHandle> | null })._handle;
  if (handle === null || handle === undefined || typeof handle.onconnection !== 'function')
    return false;
  const buffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
  handle.onconnection = (error, clientHandle) => {
    if (error !== 0 && error !== undefined) {
      onAcceptError(error);
      return;
    }
    let sink: ReadSink | undefined;
    const socket = new net.Socket({
      handle: clientHandle,
      readable: true,
      writable: true,
      onread: {
        buffer,
        callback: (nread: number) => {
          sink?.(buffer.subarray(0, nread));
          return true;
        },
      },
    } as net.SocketConstructorOpts);
    onSocket(socket, (s) => (sink = s));
  };
  return true;
}
