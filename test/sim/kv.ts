/**
 * The simulated state machine: a tiny KV map. Entry data is `set <key> <value>` in latin1; each
 * key remembers the log index of the write that set it, which is what the read checks compare.
 */
import type { LogIndex } from '../../src/raft/types.js';

export interface KvValue {
  readonly value: string;
  readonly index: LogIndex;
}

export function encodeSet(key: string, value: string): Uint8Array {
  return Buffer.from(`set ${key} ${value}`, 'latin1');
}

export function decodeSet(data: Uint8Array): { key: string; value: string } | undefined {
  const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
  const parts = text.split(' ');
  if (parts.length !== 3 || parts[0] !== 'set') return undefined;
  const [, key, value] = parts;
  if (key === undefined || value === undefined) return undefined;
  return { key, value };
}

export class KvStore {
  private readonly map = new Map<string, KvValue>();

  get(key: string): KvValue | undefined {
    return this.map.get(key);
  }

  /** Applies a normal entry; returns the key it set, or undefined for data it does not know. */
  apply(index: LogIndex, data: Uint8Array): string | undefined {
    const command = decodeSet(data);
    if (command === undefined) return undefined;
    this.map.set(command.key, { value: command.value, index });
    return command.key;
  }

  /** Canonical image (keys sorted) so that equal states give equal bytes on every replica. */
  encode(): Uint8Array {
    const keys = [...this.map.keys()].sort();
    const rows = keys.map((k) => {
      const v = this.map.get(k);
      return v === undefined ? '' : `${k}\u0001${v.value}\u0001${v.index}`;
    });
    return Buffer.from(rows.join('\u0002'), 'latin1');
  }

  static decode(data: Uint8Array): KvStore {
    const store = new KvStore();
    const text = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1');
    if (text.length === 0) return store;
    for (const row of text.split('\u0002')) {
      const [key, value, index] = row.split('\u0001');
      if (key === undefined || value === undefined || index === undefined) {
        throw new Error(`corrupt KV snapshot row ${JSON.stringify(row)}`);
      }
      store.map.set(key, { value, index: Number(index) as LogIndex });
    }
    return store;
  }
}
