/**
 * Exact-reply tables over real TCP, for test files that pin the bytes redis-server answers: a
 * suite gets one memlayer server process and one raw connection, and checks each command's
 * reply byte for byte.
 */
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { RawClient, startServerProcess, type ServerProcess } from './server-process.js';

/** A command and the exact RESP2 bytes of its reply. */
export type WireCase = readonly [args: readonly string[], reply: string];

export interface WireSession {
  /** Sends each command in turn and checks its reply's bytes. */
  expect(cases: readonly WireCase[]): Promise<void>;
  /** Sends one command and returns its whole reply's bytes (for replies checked by shape). */
  reply(...args: string[]): Promise<string>;
}

/** Reads one RESP2 reply (simple, error, integer, bulk or nested array) whole. */
async function readReply(client: RawClient): Promise<string> {
  const line = await client.readLine();
  const size = Number(line.slice(1, -2));
  if (line.startsWith('$') && size >= 0) return line + (await client.read(size + 2));
  if (!line.startsWith('*')) return line;
  let out = line;
  for (let i = 0; i < size; i++) out += await readReply(client);
  return out;
}

/**
 * Registers before/after hooks in the current suite (or file) that start a server process and
 * connect to it, and stop both at the end.
 */
export function wireSession(): WireSession {
  let server: ServerProcess | undefined;
  let client: RawClient | undefined;
  before(async () => {
    server = await startServerProcess();
    client = await RawClient.connect(server.port);
  });
  after(async () => {
    client?.close();
    await server?.stop();
  });
  const connected = (): RawClient => {
    assert.ok(client !== undefined, 'the server did not start');
    return client;
  };
  return {
    async expect(cases) {
      for (const [args, expected] of cases) {
        const reply = await connected().call(expected, ...args);
        assert.equal(reply, expected, JSON.stringify(args));
      }
    },
    async reply(...args) {
      connected().command(...args);
      return readReply(connected());
    },
  };
}
