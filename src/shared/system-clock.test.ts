import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SystemClock, systemClock } from './system-clock.js';
import { wallClockUs } from './effects.js';

test('nowUs has microsecond resolution and agrees with Date.now() to within a millisecond', () => {
  let subMillisecond = false;
  for (let i = 0; i < 200 && !subMillisecond; i++) {
    const beforeMs = Date.now();
    const us = wallClockUs(systemClock);
    const afterMs = Date.now();
    assert.ok(Number.isSafeInteger(us));
    assert.ok(us >= (beforeMs - 1) * 1000 && us < (afterMs + 2) * 1000, `${us} vs ${beforeMs}`);
    subMillisecond = us % 1000 !== 0;
  }
  assert.ok(subMillisecond, 'every reading was a whole millisecond');
});

test('the fraction comes from the high-resolution clock, re-anchored when the clocks drift', () => {
  // Small readings with binary fractions, so the arithmetic below is exact.
  let wallMs = 1000;
  let highMs = 1000.25;
  const clock = new SystemClock(
    () => wallMs,
    () => highMs,
  );
  assert.equal(clock.nowUs(), 1_000_250);
  wallMs += 1;
  highMs += 1.5;
  assert.equal(clock.nowUs(), 1_001_750);
  // The wall clock was stepped 5 s ahead (NTP): the reading follows it, half a ms in.
  wallMs += 5000;
  highMs += 0.25;
  assert.equal(clock.nowUs(), 6_001_500);
  // Then the two run together again from the new anchor.
  wallMs += 1;
  highMs += 1.25;
  assert.equal(clock.nowUs(), 6_002_750);
});

test('a clock without nowUs is read in whole milliseconds', () => {
  assert.equal(wallClockUs({ nowMs: () => 1234, monotonicMs: () => 0 }), 1_234_000);
});
