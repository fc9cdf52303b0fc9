/**
 * The peer protocol (proto/raft.proto) as TypeScript: the loaded gRPC service definition, the
 * shapes proto-loader produces, and conversions to and from the Raft core's types.
 */
import { fileURLToPath } from 'node:url';
import { loadSync } from '@grpc/proto-loader';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { groupId, logIndex, nodeId, term } from '../shared/brand.js';
import { decodeFrame, encodeFrame } from './frame-codec.js';
import type { DataRequest } from '../commands/executor.js';
import type {
  ConfState,
  Entry,
  EntryType,
  Message,
  MessageType,
  SnapshotChunk,
  SnapshotMeta,
} from '../raft/types.js';

export const PROTO_PATH = fileURLToPath(new URL('../../../proto/raft.proto', import.meta.url));

export interface WireHello {
  from: number;
  to: number;
  cluster: string;
  respAddress: string;
  peerAddress: string;
  adminAddress: string;
}
export interface WireEntry {
  term: number;
  index: number;
  type: EntryType;
  data: Uint8Array;
}
export interface WireConf {
  voters: number[];
  learners: number[];
}
export interface WireSnapshotMeta {
  index: number;
  term: number;
  conf: WireConf | null;
}
export interface WireChunk {
  meta: WireSnapshotMeta | null;
  totalBytes: number;
  offset: number;
  data: Uint8Array;
  done: boolean;
}
export interface WireMessage {
  group: number;
  type: MessageType;
  from: number;
  to: number;
  term: number;
  index: number;
  logTerm: number;
  entries: WireEntry[];
  commit: number;
  reject: boolean;
  rejectHint: number;
  rejectHintTerm: number;
  context: Uint8Array;
  snapshot: WireChunk | null;
}
export interface WireRequest {
  id: number;
  group: number;
  commands: { args: Uint8Array[] }[];
  write: boolean;
  transaction: boolean;
  watch: { keys: Uint8Array[]; index: number } | null;
  clientId: number;
  sequence: number;
  /** What is left of the follower's wait when it sends: relative, so clock skew cannot shorten it. */
  timeoutMs: number;
}
export interface WireResponse {
  id: number;
  /** The group of the request answered; 0 (absent) from a peer that predates the field. */
  group: number;
  reply: Uint8Array;
}
export interface WireFrame {
  hello?: WireHello | null;
  messages?: WireMessage[];
  requests?: WireRequest[];
  responses?: WireResponse[];
}

let cached: ServiceDefinition | undefined;

/**
 * The Peer service as raft.proto declares it (the method's path and streaming), with frames
 * encoded and decoded by frame-codec.ts rather than proto-loader's protobufjs objects.
 */
export function peerService(): ServiceDefinition {
  if (cached !== undefined) return cached;
  const pull = loadProtoService()['Pull'];
  if (pull === undefined) throw new Error(`${PROTO_PATH} declares no Peer.Pull`);
  cached = {
    Pull: {
      ...pull,
      requestSerialize: encodeFrame,
      requestDeserialize: decodeFrame,
      responseSerialize: encodeFrame,
      responseDeserialize: decodeFrame,
    },
  };
  return cached;
}

/** The Peer service with proto-loader's own codec (the frame codec's tests compare with it). */
export function loadProtoService(): ServiceDefinition {
  const def = loadSync(PROTO_PATH, {
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: true,
    oneofs: false,
  });
  const pkg = loadPackageDefinition(def);
  const peer = (
    ((pkg['memlayer'] as Record<string, unknown>)['peer'] as Record<string, unknown>)[
      'v1'
    ] as Record<string, unknown>
  )['Peer'] as { service: ServiceDefinition };
  return peer.service;
}

const confToWire = (c: ConfState): WireConf => ({
  voters: [...c.voters],
  learners: [...c.learners],
});
const confFromWire = (c: WireConf | null): ConfState => ({
  voters: (c?.voters ?? []).map(nodeId),
  learners: (c?.learners ?? []).map(nodeId),
});
const metaToWire = (m: SnapshotMeta): WireSnapshotMeta => ({
  index: m.index,
  term: m.term,
  conf: confToWire(m.conf),
});
const metaFromWire = (m: WireSnapshotMeta | null): SnapshotMeta => ({
  index: logIndex(m?.index ?? 0),
  term: term(m?.term ?? 0),
  conf: confFromWire(m?.conf ?? null),
});

function chunkToWire(c: SnapshotChunk): WireChunk {
  return {
    meta: metaToWire(c.meta),
    totalBytes: c.totalBytes,
    offset: c.offset,
    data: c.data,
    done: c.done,
  };
}

export function messageToWire(m: Message): WireMessage {
  return {
    group: m.group,
    type: m.type,
    from: m.from,
    to: m.to,
    term: m.term,
    index: m.index,
    logTerm: m.logTerm,
    entries: m.entries.map((e) => ({ term: e.term, index: e.index, type: e.type, data: e.data })),
    commit: m.commit,
    reject: m.reject,
    rejectHint: m.rejectHint,
    rejectHintTerm: m.rejectHintTerm,
    context: m.context,
    snapshot: m.snapshot === undefined ? null : chunkToWire(m.snapshot),
  };
}

export function messageFromWire(w: WireMessage): Message {
  const entries: Entry[] = w.entries.map((e) => ({
    term: term(e.term),
    index: logIndex(e.index),
    type: e.type,
    data: e.data,
  }));
  const base = {
    group: groupId(w.group),
    type: w.type,
    from: nodeId(w.from),
    to: nodeId(w.to),
    term: term(w.term),
    index: logIndex(w.index),
    logTerm: term(w.logTerm),
    entries,
    commit: logIndex(w.commit),
    reject: w.reject,
    rejectHint: logIndex(w.rejectHint),
    rejectHintTerm: term(w.rejectHintTerm),
    context: w.context,
  };
  if (w.snapshot === null) return base;
  const s = w.snapshot;
  return {
    ...base,
    snapshot: {
      meta: metaFromWire(s.meta),
      totalBytes: s.totalBytes,
      offset: s.offset,
      data: s.data,
      done: s.done,
    },
  };
}

const bytesOf = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const stringOf = (b: Uint8Array): string =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');

export function requestToWire(
  id: number,
  group: number,
  r: DataRequest,
  timeoutMs: number,
): WireRequest {
  return {
    id,
    group,
    commands: r.commands.map((args) => ({ args: args.map(bytesOf) })),
    write: r.write,
    transaction: r.transaction,
    watch: r.watch === undefined ? null : { keys: r.watch.keys.map(bytesOf), index: r.watch.index },
    clientId: r.clientId,
    sequence: r.sequence,
    timeoutMs,
  };
}

export function requestFromWire(w: WireRequest): DataRequest {
  return {
    commands: w.commands.map((c) => c.args.map(stringOf)),
    write: w.write,
    transaction: w.transaction,
    watch:
      w.watch === null ? undefined : { keys: w.watch.keys.map(stringOf), index: w.watch.index },
    clientId: w.clientId,
    sequence: w.sequence,
  };
}

/** Approximate encoded size, for the byte bound on each peer's send queue. */
export function frameBytes(f: WireFrame): number {
  let n = 16;
  for (const m of f.messages ?? []) {
    n += 64 + m.context.byteLength + (m.snapshot?.data.byteLength ?? 0);
    for (const e of m.entries) n += 24 + e.data.byteLength;
  }
  for (const r of f.requests ?? []) {
    n += 48;
    for (const c of r.commands) for (const a of c.args) n += 4 + a.byteLength;
  }
  for (const r of f.responses ?? []) n += 16 + r.reply.byteLength;
  return n;
}
