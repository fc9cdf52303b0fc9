/**
 * In-process benchmark of the peer frame codec (src/replication/frame-codec.ts) against the one
 * proto-loader builds from proto/raft.proto (protobufjs `fromObject` + `encode`, `decode` +
 * `toObject`), on the frames a replicated write sends: an append carrying a group entry of
 * 16 commands (`SET key value`, 256-byte values, the shape `redis-benchmark -P 16` makes), a
 * small append of one command, the follower's reply to either, and a heartbeat. Each codec
 * encodes and decodes each frame in turn for `--seconds` per round; rounds alternate the two
 * codecs. Reported: ns per frame (encode + decode), median of the rounds, and the ratio.
 * Usage: node dist/bench/frame-codec.js [--rounds N] [--seconds S] [--json FILE]
 */
import { writeFileSync } from 'node:fs';
import { decodeFrame, encodeFrame } from '../src/replication/frame-codec.js';
import { loadProtoService, type WireFrame, type WireMessage } from '../src/replication/wire.js';
import { median } from './lib/stats.js';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const value = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!(value > 0) || !Number.isFinite(value)) throw new Error(`${name} must be positive`);
  return value;
}

const base: WireMessage = {
  group: 0,
  type: 'append',
  from: 1,
  to: 2,
  term: 7,
  index: 1_234_567,
  logTerm: 7,
  entries: [],
  commit: 1_234_560,
  reject: false,
  rejectHint: 0,
  rejectHintTerm: 0,
  context: Buffer.alloc(0),
  snapshot: null,
};
/** One command as the entry codec carries it: arguments with their lengths, about 290 bytes. */
const command = (i: number): Buffer =>
  Buffer.concat([Buffer.from(`SET key:${String(i).padStart(12, '0')} `), Buffer.alloc(256, 120)]);
const entry = (index: number, commands: number): WireMessage['entries'][number] => ({
  term: 7,
  index,
  type: 'normal',
  data: Buffer.concat(Array.from({ length: commands }, (_, i) => command(index * 16 + i))),
});

const FRAMES: Record<string, WireFrame> = {
  'append, 16 commands': { messages: [{ ...base, entries: [entry(1_234_568, 16)] }] },
  'append, 1 command': { messages: [{ ...base, entries: [entry(1_234_568, 1)] }] },
  'append response': { messages: [{ ...base, type: 'appendResponse', from: 2, to: 1 }] },
  heartbeat: { messages: [{ ...base, type: 'heartbeat', index: 0, logTerm: 0 }] },
};

interface Codec {
  encode(f: WireFrame): Buffer;
  decode(b: Buffer): unknown;
}

function measure(codec: Codec, frame: WireFrame, seconds: number): number {
  let frames = 0;
  let sink = 0;
  const start = performance.now();
  const until = start + seconds * 1000;
  let now = start;
  while (now < until) {
    for (let i = 0; i < 200; i++) {
      const bytes = codec.encode(frame);
      sink += bytes.length + (codec.decode(bytes) === null ? 1 : 0);
    }
    frames += 200;
    now = performance.now();
  }
  if (sink === 0) throw new Error('nothing encoded');
  return ((now - start) * 1e6) / frames;
}

function main(): void {
  const rounds = option('--rounds', 5);
  const seconds = option('--seconds', 0.5);
  const pull = loadProtoService()['Pull'];
  if (pull === undefined) throw new Error('raft.proto declares no Pull');
  const codecs: Record<string, Codec> = {
    'frame-codec': { encode: encodeFrame, decode: decodeFrame },
    'proto-loader': {
      encode: (f) => pull.requestSerialize(f),
      decode: (b) => pull.requestDeserialize(b),
    },
  };
  const results: Record<string, Record<string, number[]>> = {};
  for (const name of Object.keys(FRAMES)) results[name] = { 'frame-codec': [], 'proto-loader': [] };
  for (let round = 0; round < rounds; round++) {
    const order =
      round % 2 === 0 ? ['frame-codec', 'proto-loader'] : ['proto-loader', 'frame-codec'];
    for (const [name, frame] of Object.entries(FRAMES))
      for (const c of order) {
        const codec = codecs[c];
        if (codec !== undefined) results[name]?.[c]?.push(measure(codec, frame, seconds));
      }
  }
  console.log(`encode + decode per frame, ns: median of ${rounds} alternated rounds\n`);
  console.log(
    'frame                   bytes  frame-codec  proto-loader  proto-loader / frame-codec',
  );
  const table: Record<string, { bytes: number; ours: number; reference: number }> = {};
  for (const [name, frame] of Object.entries(FRAMES)) {
    const ours = median(results[name]?.['frame-codec'] ?? []);
    const reference = median(results[name]?.['proto-loader'] ?? []);
    const bytes = encodeFrame(frame).length;
    table[name] = { bytes, ours, reference };
    console.log(
      [
        name.padEnd(22),
        String(bytes).padStart(6),
        ours.toFixed(0).padStart(12),
        reference.toFixed(0).padStart(13),
        `${(reference / ours).toFixed(2)}x`.padStart(27),
      ].join(' '),
    );
  }
  const at = process.argv.indexOf('--json');
  const file = at >= 0 ? process.argv[at + 1] : undefined;
  if (file !== undefined) writeFileSync(file, JSON.stringify({ rounds, seconds, table }, null, 2));
}

main();
