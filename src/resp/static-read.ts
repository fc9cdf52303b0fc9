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
 * The same interception serves the addon's socket I/O (native-transport.ts), which takes the
 * accepted handle's descriptor instead of making a socket of it.
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
 * Takes over accepting on a listening server: `onHandle` gets every accepted handle (Node's
 * TCPWrap) before any net.Socket exists. Returns false, changing nothing, when this Node does
 * not have the internals it needs.
 */
export function interceptAccept(
  server: net.Server,
  onHandle: (clientHandle: unknown) => void,
  onAcceptError: (error: number) => void,
): boolean {
  const handle = (server as unknown as { _handle?: Partial<ListenHandle> | null })._handle;
  if (handle === null || handle === undefined || typeof handle.onconnection !== 'function')
    return false;
  handle.onconnection = (error, clientHandle) => {
    if (error !== 0 && error !== undefined) onAcceptError(error);
    else onHandle(clientHandle);
  };
  return true;
}

/** The static read buffer of a server: accepted handles become sockets that read into it. */
export function staticReadSockets(): (
  clientHandle: unknown,
) => [socket: net.Socket, setSink: (sink: ReadSink) => void] {
  const buffer = Buffer.allocUnsafeSlow(READ_BUFFER_BYTES);
  return (clientHandle) => {
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
    return [socket, (s) => (sink = s)];
  };
}
