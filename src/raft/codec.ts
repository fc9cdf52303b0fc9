/**
 * Binary encoding of a ConfChange, carried as the data of `confChange` log entries.
 * Layout: version u8 (1) | type u8 | node u32 BE | context length u32 BE | context bytes.
 */
import { nodeId } from '../shared/brand.js';
import { RaftError, type ConfChange, type ConfChangeType } from './types.js';

const VERSION = 1;
const HEADER_BYTES = 10;
const TYPES: readonly ConfChangeType[] = ['addLearner', 'promote', 'removeNode'];

export function encodeConfChange(cc: ConfChange): Uint8Array {
  const code = TYPES.indexOf(cc.type);
  if (code < 0) throw new RaftError('invalidConfig', `unknown conf change type ${String(cc.type)}`);
  if (!Number.isSafeInteger(cc.node) || cc.node <= 0 || cc.node > 0xffff_ffff) {
    throw new RaftError('invalidConfig', `conf change node id out of range: ${cc.node}`);
  }
  const out = new Uint8Array(HEADER_BYTES + cc.context.byteLength);
  const view = new DataView(out.buffer);
  view.setUint8(0, VERSION);
  view.setUint8(1, code + 1);
  view.setUint32(2, cc.node);
  view.setUint32(6, cc.context.byteLength);
  out.set(cc.context, HEADER_BYTES);
  return out;
}

export function decodeConfChange(bytes: Uint8Array): ConfChange {
  const bad = (why: string): never => {
    throw new RaftError('invalidConfig', `malformed conf change: ${why}`);
  };
  if (bytes.byteLength < HEADER_BYTES) bad('too short');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint8(0) !== VERSION) bad(`unknown version ${view.getUint8(0)}`);
  const type = TYPES[view.getUint8(1) - 1];
  if (type === undefined) return bad(`unknown type ${view.getUint8(1)}`);
  const node = view.getUint32(2);
  if (node === 0) bad('node id 0');
  const contextBytes = view.getUint32(6);
  if (HEADER_BYTES + contextBytes !== bytes.byteLength) bad('context length mismatch');
  const context = bytes.slice(HEADER_BYTES);
  return { type, node: nodeId(node), context };
}
