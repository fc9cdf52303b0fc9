import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stepInTurns } from './turns.js';

describe('stepInTurns', () => {
  it('runs each step in its own event-loop turn, then resolves with the result', async () => {
    let done = 0;
    function* steps(): Generator<void, string, undefined> {
      for (let i = 0; i < 5; i++) {
        done++;
        yield;
      }
      return 'result';
    }
    const immediates: number[] = [];
    const probe = (): void => {
      immediates.push(done);
      if (immediates.length < 5) setImmediate(probe);
    };
    setImmediate(probe);
    assert.equal(await stepInTurns(steps()), 'result');
    // A probe rescheduling itself every turn ran between the steps, not after all of them.
    assert.ok(immediates[0] !== undefined && immediates[0] < 5, `probe saw ${immediates}`);
    assert.ok(new Set(immediates).size > 1, `probe saw ${immediates}`);
  });

  it('resolves at once for a computation without steps', async () => {
    // eslint-disable-next-line require-yield
    function* none(): Generator<void, number, undefined> {
      return 7;
    }
    assert.equal(await stepInTurns(none()), 7);
  });
});
