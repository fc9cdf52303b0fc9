import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { groupId, logIndex, nodeId, term } from '../shared/brand.js';
import { SeededRng } from '../shared/effects.js';
import { defaultRaftConfig } from './config.js';
import { makeMessage } from './message.js';
import { RaftNode } from './node.js';
import { memoryReceiver } from './snapshot-receiver.js';
import { MemoryStorage } from './storage.js';
import type {
  Message,
  SnapshotData,
  SnapshotMeta,
  SnapshotReceiver,
  SnapshotSink,
} from './types.js';

const GROUP = groupId(1);
const conf = { voters: [1, 2, 3].map(nodeId), learners: [] };
const meta = (index: number): SnapshotMeta => ({ index: logIndex(index), term: term(2), conf });

/** A receiver that records what the core asks of each sink, and can be told to fail. */
class Recorder implements SnapshotReceiver {
  readonly events: string[] = [];
  failFinish = false;
  /** Appends of these bytes fail (as a write to a full disk would). */
  failAppend: string | undefined;

  begin(m: SnapshotMeta, totalBytes: number): SnapshotSink {
    const at = m.index;
    this.events.push(`begin ${at} ${totalBytes}`);
    const inner = memoryReceiver.begin(m, totalBytes);
    return {
      append: (bytes) => {
        const text = Buffer.from(bytes).toString();
        this.events.push(`append ${at} ${text}`);
        return text !== this.failAppend && inner.append(bytes);
      },
      finish: (): SnapshotData | undefined => {
        this.events.push(`finish ${at}`);
        return this.failFinish ? undefined : inner.finish();
      },
      abort: () => {
        this.events.push(`abort ${at}`);
        inner.abort();
      },
    };
  }
}

function follower(receiver: SnapshotReceiver) {
  const storage = MemoryStorage.bootstrap(conf, new Uint8Array());
  const core = new RaftNode({
    ...defaultRaftConfig(nodeId(2), GROUP, storage, new SeededRng(2), logIndex(1)),
    snapshotReceiver: receiver,
  });
  return core;
}

/** The chunk of snapshot `index` (whose bytes are `whole`) at `offset`, from leader 1. */
function chunk(index: number, whole: string, offset: number, text: string): Message {
  const data = Buffer.from(text);
  return makeMessage(GROUP, 'snapshotChunk', nodeId(1), nodeId(2), 2, {
    snapshot: {
      meta: meta(index),
      totalBytes: whole.length,
      offset,
      data,
      done: offset + data.length === whole.length,
    },
  });
}

/** The snapshot responses the follower has to send, as "offset" or "reject offset". */
function answers(core: RaftNode): string[] {
  const rd = core.ready();
  core.advance(rd);
  return rd.messages
    .filter((m) => m.type === 'snapshotResponse' || m.type === 'appendResponse')
    .map((m) =>
      m.type === 'appendResponse'
        ? `append ${m.index}`
        : `${m.reject ? 'reject ' : ''}${m.snapshot?.offset ?? -1}`,
    );
}

describe('the Raft core hands a received snapshot to its SnapshotReceiver', () => {
  it('appends the chunks in order, resumes after a gap, and finishes into the Ready snapshot', () => {
    const r = new Recorder();
    const core = follower(r);
    core.step(chunk(10, 'abcdefgh', 0, 'abc'));
    assert.deepEqual(answers(core), ['3']);
    core.step(chunk(10, 'abcdefgh', 6, 'gh')); // a lost chunk: ask again from 3
    assert.deepEqual(answers(core), ['3']);
    core.step(chunk(10, 'abcdefgh', 3, 'def'));
    core.step(chunk(10, 'abcdefgh', 6, 'gh'));
    const rd = core.ready();
    assert.equal(rd.snapshot?.meta.index, 10);
    assert.equal(Buffer.from(rd.snapshot?.data.subarray(0, 8) ?? []).toString(), 'abcdefgh');
    assert.deepEqual(r.events, [
      'begin 10 8',
      'append 10 abc',
      'append 10 def',
      'append 10 gh',
      'finish 10',
    ]);
  });

  it('aborts the sink when another snapshot starts over it, and not for a stray chunk', () => {
    const r = new Recorder();
    const core = follower(r);
    core.step(chunk(10, 'abcdefgh', 0, 'abc'));
    core.step(chunk(12, 'zzzzzz', 3, 'zzz')); // not from the top: ignored, asked from 0
    core.step(chunk(12, 'zzzzzz', 0, 'zzz'));
    assert.deepEqual(r.events, [
      'begin 10 8',
      'append 10 abc',
      'abort 10',
      'begin 12 6',
      'append 12 zzz',
    ]);
  });

  it('aborts the sink on an inconsistent chunk, which is refused', () => {
    const r = new Recorder();
    const core = follower(r);
    core.step(chunk(10, 'abcdefgh', 0, 'abc'));
    answers(core);
    core.step(chunk(10, 'abcdefghij', 3, 'def')); // another total size: not the same snapshot
    assert.deepEqual(answers(core), ['reject 0']);
    assert.deepEqual(r.events, ['begin 10 8', 'append 10 abc', 'abort 10']);
  });

  it('aborts the sink when the follower already has the snapshot', () => {
    const r = new Recorder();
    const core = follower(r);
    core.step(chunk(10, 'abcdefgh', 0, 'abc'));
    answers(core);
    // Commit at index 1 already covers a snapshot at 1: nothing more to receive.
    core.step(chunk(1, 'xy', 0, 'x'));
    assert.deepEqual(answers(core), ['append 1']);
    assert.deepEqual(r.events, ['begin 10 8', 'append 10 abc', 'abort 10']);
  });

  it('aborts the sink of a half-received snapshot when the follower becomes leader', () => {
    const r = new Recorder();
    const core = follower(r);
    core.step(chunk(10, 'abcdefgh', 0, 'abc'));
    answers(core);
    core.campaign();
    answers(core);
    core.step(makeMessage(GROUP, 'preVoteResponse', nodeId(3), nodeId(2), 3, {}));
    answers(core);
    core.step(makeMessage(GROUP, 'voteResponse', nodeId(3), nodeId(2), 3, {}));
    assert.equal(core.status().role, 'leader');
    assert.deepEqual(r.events, ['begin 10 8', 'append 10 abc', 'abort 10']);
  });

  it('refuses the snapshot as soon as the sink cannot keep a chunk, and starts over later', () => {
    const r = new Recorder();
    r.failAppend = 'def';
    const core = follower(r);
    core.step(chunk(10, 'abcdefgh', 0, 'abc'));
    assert.deepEqual(answers(core), ['3']);
    core.step(chunk(10, 'abcdefgh', 3, 'def'));
    assert.deepEqual(answers(core), ['reject 0']);
    // The rest of that transfer is not taken: it starts again from the top.
    core.step(chunk(10, 'abcdefgh', 6, 'gh'));
    assert.deepEqual(answers(core), ['0']);
    r.failAppend = undefined;
    core.step(chunk(10, 'abcdefgh', 0, 'abcdefgh'));
    assert.equal(core.ready().snapshot?.meta.index, 10);
    assert.deepEqual(r.events, [
      'begin 10 8',
      'append 10 abc',
      'append 10 def',
      'abort 10',
      'begin 10 8',
      'append 10 abcdefgh',
      'finish 10',
    ]);
  });

  it('refuses the snapshot when the sink cannot keep it, and restores nothing', () => {
    const r = new Recorder();
    r.failFinish = true;
    const core = follower(r);
    core.step(chunk(10, 'abcd', 0, 'abcd'));
    const rd = core.ready();
    assert.equal(rd.snapshot, undefined);
    assert.deepEqual(
      rd.messages.map((m) => `${m.type} ${m.reject} ${m.snapshot?.offset}`),
      ['snapshotResponse true 0'],
    );
    assert.equal(core.status().commit, 1);
  });
});
