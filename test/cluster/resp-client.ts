/**
 * A minimal RESP2 client for the cluster tests: one command at a time, exact error strings
 * (no client-side retries or redirections that would hide what the server said), and a
 * per-command timeout so a paused node shows up as a timeout, not a hung test.
 */
import net from 'node:net';

export type Resp = string | number | null | RespError | Resp[];

export class RespError {
  constructor(readonly text: string) {}
}

export class RespTimeout extends Error {
  override readonly name = 'RespTimeout';
}

export class RespClient {
  private socket: net.Socket | undefined;
  private buf = Buffer.alloc(0);
  private waiting: { resolve: (r: Resp) => void; reject: (e: Error) => void } | undefined;

  constructor(private readonly port: number) {}

  private async connect(): Promise<net.Socket> {
    if (this.socket !== undefined && !this.socket.destroyed) return this.socket;
    const s = net.connect(this.port, '127.0.0.1');
    await new Promise<void>((ok, fail) => {
      s.once('connect', ok);
      s.once('error', fail);
    });
    s.setNoDelay(true);
    s.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.drain();
    });
    const broken = (): void => {
      this.socket = undefined;
      this.waiting?.reject(new Error('connection closed'));
      this.waiting = undefined;
    };
    s.on('error', broken);
    s.on('close', broken);
    this.socket = s;
    this.buf = Buffer.alloc(0);
    return s;
  }

  /** Sends one command; rejects with RespTimeout after `timeoutMs` (and drops the connection). */
  async call(args: readonly string[], timeoutMs = 10_000): Promise<Resp> {
    const s = await this.connect();
    let out = `*${args.length}\r\n`;
    for (const a of args) out += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
    return new Promise<Resp>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = undefined;
        s.destroy();
        this.socket = undefined;
        reject(new RespTimeout(`${args.join(' ')}: no reply in ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting = {
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      };
      s.write(Buffer.from(out, 'latin1'));
    });
  }

  close(): void {
    this.socket?.destroy();
    this.socket = undefined;
  }

  private drain(): void {
    if (this.waiting === undefined) return;
    const parsed = parse(this.buf, 0);
    if (parsed === undefined) return;
    this.buf = this.buf.subarray(parsed.end);
    const w = this.waiting;
    this.waiting = undefined;
    w.resolve(parsed.value);
  }
}

function parse(buf: Buffer, at: number): { value: Resp; end: number } | undefined {
  const nl = buf.indexOf('\r\n', at);
  if (nl < 0) return undefined;
  const line = buf.toString('latin1', at + 1, nl);
  const next = nl + 2;
  switch (String.fromCharCode(buf[at] ?? 0)) {
    case '+':
      return { value: line, end: next };
    case '-':
      return { value: new RespError(line), end: next };
    case ':':
      return { value: Number(line), end: next };
    case '$': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      if (buf.length < next + n + 2) return undefined;
      return { value: buf.toString('latin1', next, next + n), end: next + n + 2 };
    }
    case '*': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next };
      const items: Resp[] = [];
      let end = next;
      for (let i = 0; i < n; i++) {
        const item = parse(buf, end);
        if (item === undefined) return undefined;
        items.push(item.value);
        end = item.end;
      }
      return { value: items, end };
    }
    default:
      throw new Error(`bad RESP type byte ${buf[at]}`);
  }
}
