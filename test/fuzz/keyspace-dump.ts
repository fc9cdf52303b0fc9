/**
 * A whole keyspace read over RESP, for comparing two states: every key's type, absolute expiry
 * time and value, in a form that does not depend on the order a server lists things in.
 */
import assert from 'node:assert/strict';
import { show, type RespNode } from './resp-tree.js';
import { RespConnection } from './servers.js';

/** Keys expiring sooner than this may expire between two reads: not compared. */
const SHORT_TTL_MS = 120_000;

const items = (node: RespNode): string[] => (node.items ?? []).map((item) => item.raw);

/** Every key's type, value and absolute expiry, in a form two reads can be compared by. */
export async function readAll(port: number): Promise<Map<string, string>> {
  const c = await RespConnection.connect(port);
  const out = new Map<string, string>();
  try {
    const keys = items(await c.call('KEYS', '*')).map((raw) =>
      raw.replace(/^\$\d+\r\n|\r\n$/g, ''),
    );
    for (const key of keys.sort()) {
      const type = (await c.call('TYPE', key)).text;
      const ttl = Number((await c.call('PTTL', key)).text);
      if (ttl >= 0 && ttl < SHORT_TTL_MS) continue;
      const expiry = (await c.call('PEXPIRETIME', key)).text;
      let value: string;
      switch (type) {
        case 'string':
          value = (await c.call('GET', key)).raw;
          break;
        case 'list':
          value = (await c.call('LRANGE', key, '0', '-1')).raw;
          break;
        case 'hash': {
          const flat = items(await c.call('HGETALL', key));
          const pairs: string[] = [];
          for (let i = 0; i < flat.length; i += 2) pairs.push(`${flat[i]}=${flat[i + 1]}`);
          value = pairs.sort().join(',');
          break;
        }
        case 'set':
          value = items(await c.call('SMEMBERS', key))
            .sort()
            .join(',');
          break;
        case 'zset':
          value = (await c.call('ZRANGE', key, '0', '-1', 'WITHSCORES')).raw;
          break;
        case 'stream':
          value = (await c.call('XRANGE', key, '-', '+')).raw;
          break;
        default:
          value = `(unexpected type ${type})`;
      }
      out.set(key, `${type} expires ${expiry}: ${value}`);
    }
  } finally {
    c.close();
  }
  return out;
}

/** Fails with the first differing keys (and if there were too few keys to mean anything). */
export function assertSameKeyspace(
  before: Map<string, string>,
  after: Map<string, string>,
  what: string,
  keysMin = 8,
): void {
  const differences: string[] = [];
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const [a, b] = [before.get(key), after.get(key)];
    if (a !== b) differences.push(`${show(key)}: ${show(a ?? '(none)')} -> ${show(b ?? '(none)')}`);
  }
  assert.deepEqual(differences.slice(0, 10), [], `${what}: ${differences.length} keys differ`);
  assert.ok(before.size >= keysMin, `${what}: only ${before.size} keys were compared`);
}
