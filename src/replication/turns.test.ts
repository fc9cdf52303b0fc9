import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pullInTurns } from './turns.js';

describe('pullInTurns', () => {
  it('produces each item in its own event-loop turn, in order', async () => {
    let produced = 0;
    function* items(): Generator<number> {
      for (let i = 0; i < 5; i++) {
        produced++;
        yield i;
      }
    }
    const immediates: number[] = [];
    const probe = (): void => {
      immediates.push(produced);
      if (immediates.length < 5) setImmediate(probe);
    };
    setImmediate(probe);
    const out = await pullInTurns(items());
    assert.deepEqual(out, [0, 1, 2, 3, 4]);
    // A probe rescheduling itself every turn ran between the items, not after all of them.
    assert.ok(immediates[0] !== undefined && immediates[0] < 5, `probe saw ${immediates}`);
    assert.ok(new Set(immediates).size > 1, `probe saw ${immediates}`);
  });

  it('takes nothing from an empty sequence', async () => {
    assert.deepEqual(await pullInTurns([]), []);
  });
});
