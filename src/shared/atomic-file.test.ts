import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeChunks, writeFileAtomically } from './atomic-file.js';

describe('writeFileAtomically', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memlayer-atomic-'));
    const file = join(dir, 'f');
    writeFileSync(file, 'old');
    await writeFileAtomically(file, async (handle, temp) => {
      assert.equal(temp, `${file}.tmp`);
      await handle.writeFile('new contents');
    });
    assert.equal(readFileSync(file, 'utf8'), 'new contents');
    assert.deepEqual(readdirSync(dir), ['f']);
  });

  it('a failing fill keeps the old file and removes the temporary one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memlayer-atomic-'));
    const file = join(dir, 'f');
    writeFileSync(file, 'old');
    await assert.rejects(
      writeFileAtomically(
        file,
        async (handle) => {
          await handle.writeFile('half');
          throw new Error('encoder failed');
        },
        join(dir, 'custom-temp'),
      ),
      /encoder failed/,
    );
    assert.equal(readFileSync(file, 'utf8'), 'old');
    assert.deepEqual(readdirSync(dir), ['f']);
  });
});

describe('writeChunks', () => {
  it('writes each chunk before asking for the next, skips pauses, returns the result', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'memlayer-atomic-'));
    const file = join(dir, 'f');
    // One buffer reused for every chunk, as the snapshot encoder does.
    function* steps(): Generator<Uint8Array | undefined, string, undefined> {
      const reused = Buffer.alloc(3);
      for (const text of ['abc', 'def', 'gh']) {
        yield undefined;
        const n = reused.write(text);
        yield reused.subarray(0, n);
      }
      return 'done';
    }
    const gen = steps();
    let out: { result: string; bytes: number } | undefined;
    await writeFileAtomically(file, async (handle) => {
      out = await writeChunks(handle, gen.next(), gen);
    });
    assert.deepEqual(out, { result: 'done', bytes: 8 });
    assert.equal(readFileSync(file, 'utf8'), 'abcdefgh');
  });
});
