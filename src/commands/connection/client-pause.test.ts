import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BAD_PAUSE_MODE,
  ClientPause,
  clientPauseCommand,
  TIMEOUT_NEGATIVE,
  TIMEOUT_NOT_INTEGER,
  type PauseTimers,
} from './client-pause.js';
import { OK } from '../reply.js';

/** Manual time: timers fire when `advance` passes them; `soon` runs on `drain`. */
class FakeTimers implements PauseTimers {
  nowMs = 1_000;
  private timers: { atMs: number; run: () => void; live: boolean }[] = [];
  private soonQueue: (() => void)[] = [];

  after(run: () => void, delayMs: number): () => void {
    const timer = { atMs: this.nowMs + delayMs, run, live: true };
    this.timers.push(timer);
    return () => {
      timer.live = false;
    };
  }

  soon(run: () => void): void {
    this.soonQueue.push(run);
  }

  advance(ms: number): void {
    this.nowMs += ms;
    const due = this.timers.filter((timer) => timer.live && timer.atMs <= this.nowMs);
    this.timers = this.timers.filter((timer) => !due.includes(timer));
    for (const timer of due) timer.run();
    this.drain();
  }

  drain(): void {
    while (this.soonQueue.length > 0) this.soonQueue.shift()?.();
  }
}

function setup(): { timers: FakeTimers; pause: ClientPause; ran: string[] } {
  const timers = new FakeTimers();
  return { timers, pause: new ClientPause(() => timers.nowMs, timers), ran: [] };
}

test('CLIENT PAUSE arguments: mode first, then Redis timeout errors', () => {
  const { timers, pause } = setup();
  const run = (...args: string[]): unknown =>
    clientPauseCommand(pause, ['client', 'pause', ...args], timers.nowMs);
  assert.equal(run('abc'), TIMEOUT_NOT_INTEGER);
  assert.equal(run('1.5'), TIMEOUT_NOT_INTEGER);
  assert.equal(run('99999999999999999999'), TIMEOUT_NOT_INTEGER);
  assert.equal(run('-1'), TIMEOUT_NEGATIVE);
  assert.equal(run('abc', 'foo'), BAD_PAUSE_MODE, 'the mode is checked before the timeout');
  assert.equal(pause.mode, undefined, 'a rejected call pauses nothing');
  assert.equal(run('0', 'write'), OK);
  assert.equal(pause.mode, undefined, 'timeout 0: a pause that is already over');
  assert.equal(run('100'), OK);
  assert.equal(pause.mode, 'all', 'ALL by default');
  assert.equal(run('100', 'WRITE'), OK);
  assert.equal(pause.mode, 'write', 'case-insensitive; the latest mode applies');
});

test('the pause ends at its timeout and resumes postponed commands oldest first', () => {
  const { timers, pause, ran } = setup();
  pause.pause('write', timers.nowMs + 100);
  const a = {};
  const b = {};
  const never = (): void => assert.fail('not dropped');
  pause.postpone(a, () => ran.push('a1'), never);
  pause.postpone(b, () => ran.push('b1'), never);
  pause.postpone(a, () => ran.push('a2'), never);
  assert.equal(pause.postponedCount, 3);
  timers.advance(99);
  assert.deepEqual(ran, [], 'still paused 1 ms before the end');
  assert.equal(pause.mode, 'write');
  timers.advance(1);
  assert.equal(pause.mode, undefined);
  assert.deepEqual(ran, ['a1', 'b1', 'a2']);
  assert.equal(pause.postponedCount, 0);
});

test('a shorter new pause keeps the later end; the new mode replaces the old one', () => {
  const { timers, pause } = setup();
  pause.pause('write', timers.nowMs + 1_000);
  pause.pause('all', timers.nowMs + 10);
  assert.equal(pause.mode, 'all');
  timers.advance(500);
  assert.equal(pause.mode, 'all', 'still paused: the earlier pause ends later');
  timers.advance(500);
  assert.equal(pause.mode, undefined);
});

test('UNPAUSE resumes at once (in a later turn); gone and killed clients never run', () => {
  const { timers, pause, ran } = setup();
  pause.pause('all', timers.nowMs + 60_000);
  const gone = {};
  const killed = {};
  pause.postpone(
    gone,
    () => ran.push('gone'),
    () => ran.push('gone dropped'),
  );
  pause.postpone(
    killed,
    () => ran.push('killed'),
    () => ran.push('killed dropped'),
  );
  pause.postpone(
    {},
    () => ran.push('kept'),
    () => ran.push('kept dropped'),
  );
  pause.forget(gone);
  assert.equal(pause.drop(killed), true);
  assert.equal(pause.drop(killed), false, 'nothing left to drop');
  assert.deepEqual(ran, ['killed dropped']);
  ran.length = 0;
  assert.equal(pause.postponedCount, 1);
  pause.unpause();
  assert.deepEqual(ran, [], 'not inside the UNPAUSE call itself');
  timers.drain();
  assert.deepEqual(ran, ['kept']);
  timers.advance(60_000);
  assert.deepEqual(ran, ['kept'], 'the cancelled timer does nothing');
});
