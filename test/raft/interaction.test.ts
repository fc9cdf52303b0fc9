/**
 * Transcript tests for the Raft core (etcd's interaction tests, cockroachdb/datadriven style).
 *
 * Each file in test/raft/testdata/*.txt is a script of blocks:
 *
 *     # comment
 *     command arg key=value key=(1,2)
 *     ----
 *     expected output (no blank lines; an empty output is written as "ok")
 *
 * Blocks are separated by a blank line. To regenerate every expected output after an
 * intended behaviour change, build and run with REWRITE=1, then review the diff:
 *
 *     npx tsc -p . && REWRITE=1 node scripts/run-tests.js interaction
 *
 * Commands (see `run` below): add-nodes, campaign, propose, propose-many, propose-conf-change, tick,
 * tick-heartbeat, tick-election, process-ready, deliver-msgs, drop-msgs, stash-msgs, dup-msgs,
 * unstash-msgs, stabilize, partition, heal, compact, restart, transfer-leadership,
 * read-index, report-unreachable, status, log, raft-state, applied.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import {
  RaftError,
  type ConfChangeType,
  type Message,
  type RaftMutation,
} from '../../src/raft/types.js';
import { nodeId } from '../../src/shared/brand.js';
import { RaftEnv, formatEntry, formatMessage, text, type NodeOptions } from './env.js';

// dist/test/raft/interaction.test.js -> test/raft/testdata
const here = dirname(fileURLToPath(import.meta.url));
const dataDir = join(here, '..', '..', '..', 'test', 'raft', 'testdata');
const rewrite = process.env['REWRITE'] === '1';

interface Block {
  readonly comments: string[];
  readonly command: string;
  readonly expected: string;
  readonly line: number;
}

function parse(source: string): Block[] {
  const lines = source.split('\n');
  const blocks: Block[] = [];
  let comments: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      comments.push(line);
      continue;
    }
    assert.equal(lines[i + 1], '----', `line ${i + 2}: expected ---- after the command`);
    const out: string[] = [];
    let j = i + 2;
    for (; j < lines.length && (lines[j] ?? '') !== ''; j++) out.push(lines[j] ?? '');
    blocks.push({ comments, command: line, expected: out.join('\n'), line: i + 1 });
    comments = [];
    i = j;
  }
  return blocks;
}

function render(blocks: readonly Block[], outputs: readonly string[]): string {
  const parts = blocks.map((b, i) =>
    [...b.comments, b.command, '----', outputs[i] ?? ''].join('\n'),
  );
  return parts.join('\n\n') + '\n';
}

interface Args {
  readonly pos: string[];
  readonly kv: Map<string, string>;
}

function parseArgs(words: string[]): Args {
  const pos: string[] = [];
  const kv = new Map<string, string>();
  for (const w of words) {
    const eq = w.indexOf('=');
    if (eq > 0) kv.set(w.slice(0, eq), w.slice(eq + 1));
    else pos.push(w);
  }
  return { pos, kv };
}

function list(value: string | undefined): number[] {
  if (value === undefined) return [];
  const inner = value.replace(/^\(/, '').replace(/\)$/, '').trim();
  return inner === '' ? [] : inner.split(',').map((x) => Number(x));
}

function num(value: string | undefined, what: string): number {
  const n = Number(value);
  if (value === undefined || !Number.isSafeInteger(n))
    throw new Error(`bad ${what}: ${String(value)}`);
  return n;
}

function addNodes(env: RaftEnv, a: Args): string {
  const count = num(a.pos[0], 'count');
  const start = env.nodes.size === 0 ? 1 : Math.max(...env.nodes.keys()) + 1;
  const ids = Array.from({ length: count }, (_, i) => start + i);
  const voters = a.kv.has('voters') ? list(a.kv.get('voters')) : ids;
  const learners = list(a.kv.get('learners'));
  const opts: NodeOptions = {
    ...(a.kv.has('prevote') ? { preVote: a.kv.get('prevote') === 'true' } : {}),
    ...(a.kv.has('checkquorum') ? { checkQuorum: a.kv.get('checkquorum') === 'true' } : {}),
    ...(a.kv.get('readonly') === 'lease' ? { readOnly: 'lease' as const } : {}),
    ...(a.kv.has('mutations')
      ? {
          mutations: (a.kv.get('mutations') ?? '')
            .replace(/[()]/g, '')
            .split(',') as RaftMutation[],
        }
      : {}),
    ...(a.kv.has('max-msg-bytes')
      ? { maxMessageBytes: num(a.kv.get('max-msg-bytes'), 'max-msg-bytes') }
      : {}),
    ...(a.kv.has('inflight') ? { maxInflightMessages: num(a.kv.get('inflight'), 'inflight') } : {}),
    ...(a.kv.has('max-uncommitted')
      ? { maxUncommittedBytes: num(a.kv.get('max-uncommitted'), 'max-uncommitted') }
      : {}),
    ...(a.kv.has('chunk') ? { snapshotChunkBytes: num(a.kv.get('chunk'), 'chunk') } : {}),
  };
  const out: string[] = [];
  for (const id of ids) {
    const conf = { voters: voters.map(nodeId), learners: learners.map(nodeId) };
    env.addNode(id, conf, opts);
    const c = env.node(id).conf;
    out.push(`${id}: voters=(${c.voters.join(',')}) learners=(${c.learners.join(',')})`);
  }
  return out.join('\n');
}

function status(env: RaftEnv, id: number): string {
  const s = env.node(id).core.status();
  const lines = [
    `${s.id}: ${s.role} term=${s.term} leader=${s.leader} commit=${s.commit} applied=${s.applied} last=${s.lastIndex}`,
    `  conf: voters=(${s.conf.voters.join(',')}) learners=(${s.conf.learners.join(',')})`,
  ];
  for (const [peer, pr] of [...s.progress].sort((x, y) => x[0] - y[0])) {
    lines.push(
      `  ${peer}: ${pr.state} match=${pr.match} next=${pr.next}${pr.learner ? ' learner' : ''}`,
    );
  }
  return lines.join('\n');
}

function log(env: RaftEnv, id: number): string {
  const n = env.node(id);
  const st = n.storage;
  const first = st.firstIndex();
  const last = st.lastIndex();
  const snap = st.snapshot().meta;
  const entries =
    last >= first ? st.entries(first, (last + 1) as typeof last, Number.MAX_SAFE_INTEGER) : [];
  return [
    `snapshot=${snap.index}/${snap.term} first=${first} last=${last}`,
    ...entries.map((e) => `  ${formatEntry(e)}`),
  ].join('\n');
}

function matching(a: Args): (m: Message) => boolean {
  const from = a.kv.get('from');
  const to = a.kv.get('to');
  const type = a.kv.get('type');
  return (m) =>
    (from === undefined || m.from === Number(from)) &&
    (to === undefined || m.to === Number(to)) &&
    (type === undefined || m.type === type);
}

function moveMessages(env: RaftEnv, a: Args, keepCopy: boolean): string {
  const pick = matching(a);
  const picked = env.queue.filter(pick);
  if (!keepCopy) env.queue = env.queue.filter((m) => !pick(m));
  env.stash.push(...picked);
  return picked.map((m) => `  ${keepCopy ? 'copied' : 'stashed'}: ${formatMessage(m)}`).join('\n');
}

const CONF_TYPES: Record<string, ConfChangeType> = {
  'add-learner': 'addLearner',
  promote: 'promote',
  remove: 'removeNode',
};

function run(env: RaftEnv, command: string): string {
  const [name = '', ...rest] = command.trim().split(/\s+/);
  const a = parseArgs(rest);
  const id = (): number => num(a.pos[0], 'node id');
  const out: string[] = [];
  switch (name) {
    case 'add-nodes':
      return addNodes(env, a);
    case 'campaign':
      env.node(id()).core.campaign();
      return '';
    case 'propose':
      for (const data of a.pos.slice(1)) env.node(id()).core.propose(text(data));
      return '';
    case 'propose-many': {
      // propose-many ID COUNT PREFIX: COUNT entries PREFIX1..PREFIXn in one batch.
      const count = num(a.pos[1], 'count');
      for (let i = 1; i <= count; i++) env.node(id()).core.propose(text(`${a.pos[2] ?? 'e'}${i}`));
      return '';
    }
    case 'propose-conf-change': {
      const type = CONF_TYPES[a.pos[1] ?? ''];
      if (type === undefined) throw new Error(`unknown conf change ${String(a.pos[1])}`);
      env.confChange(id(), type, num(a.pos[2], 'target'));
      return '';
    }
    case 'tick':
    case 'tick-heartbeat':
    case 'tick-election': {
      const n = env.node(id());
      const count =
        name === 'tick'
          ? num(a.pos[1] ?? '1', 'count')
          : name === 'tick-heartbeat'
            ? n.config.heartbeatTicks
            : n.config.electionTicks;
      for (let i = 0; i < count; i++) n.core.tick();
      return '';
    }
    case 'process-ready':
      if (!env.processReady(id(), out)) return 'no ready';
      return out.join('\n');
    case 'deliver-msgs':
      env.deliver(a.pos[0] === undefined ? undefined : id(), out);
      return out.join('\n');
    default:
      return runMore(env, name, a, out);
  }
}

/** Network, storage and inspection commands (split from `run` to keep functions short). */
function runMore(env: RaftEnv, name: string, a: Args, out: string[]): string {
  const id = (): number => num(a.pos[0], 'node id');
  switch (name) {
    case 'drop-msgs': {
      const pick = matching(a);
      const dropped = env.queue.filter(pick);
      env.queue = env.queue.filter((m) => !pick(m));
      return dropped.map((m) => `  dropped: ${formatMessage(m)}`).join('\n');
    }
    case 'stash-msgs':
      return moveMessages(env, a, false);
    case 'dup-msgs':
      return moveMessages(env, a, true);
    case 'unstash-msgs': {
      const back = env.stash;
      env.stash = [];
      env.queue.push(...back);
      return back.map((m) => `  queued: ${formatMessage(m)}`).join('\n');
    }
    case 'stabilize':
      // `stabilize quiet` runs the same loop without printing (for setup steps).
      env.stabilize(out);
      return a.pos[0] === 'quiet' ? '' : out.join('\n');
    case 'partition':
      env.sides.clear();
      a.pos.forEach((side, i) => list(side).forEach((n) => env.sides.set(n, i + 1)));
      return '';
    case 'heal':
      env.sides.clear();
      return '';
    case 'compact':
      env.compact(id(), num(a.pos[1], 'index'));
      return log(env, id());
    case 'restart':
      env.restart(id());
      return status(env, id());
    case 'transfer-leadership':
      env
        .node(num(a.kv.get('from'), 'from'))
        .core.transferLeadership(nodeId(num(a.kv.get('to'), 'to')));
      return '';
    case 'read-index':
      env.node(id()).core.readIndex(text(a.pos[1] ?? ''));
      return '';
    case 'report-unreachable':
      env.node(id()).core.reportUnreachable(nodeId(num(a.pos[1], 'peer')));
      return '';
    case 'status':
      return status(env, id());
    case 'log':
      return log(env, id());
    case 'raft-state':
      return [...env.nodes.values()]
        .map((n) => {
          const s = n.core.status();
          return `${s.id}: ${s.role} term=${s.term} leader=${s.leader} commit=${s.commit} last=${s.lastIndex}`;
        })
        .join('\n');
    case 'applied': {
      const n = env.node(id());
      return `${n.id}: applied=${n.appliedIndex} state=[${n.applied.join(',')}]`;
    }
    default:
      throw new Error(`unknown command: ${name}`);
  }
}

function runSafely(env: RaftEnv, command: string): string {
  let output: string;
  try {
    output = run(env, command);
  } catch (e) {
    if (!(e instanceof RaftError)) throw e;
    output = `error: ${e.code}: ${e.message}`;
  }
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  return lines.length === 0 ? 'ok' : lines.join('\n');
}

const files = readdirSync(dataDir)
  .filter((f) => f.endsWith('.txt'))
  .sort();

for (const file of files) {
  test(`interaction ${file}`, () => {
    const path = join(dataDir, file);
    const blocks = parse(readFileSync(path, 'utf8'));
    const env = new RaftEnv();
    const outputs: string[] = [];
    for (const block of blocks) {
      const actual = runSafely(env, block.command);
      outputs.push(actual);
      if (!rewrite) assert.equal(actual, block.expected, `${file}:${block.line}: ${block.command}`);
    }
    if (rewrite) writeFileSync(path, render(blocks, outputs));
  });
}
