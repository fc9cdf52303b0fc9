import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeDirDurably, writeChunks, writeFileAtomically } from './atomic-file.js';
import { tempDir } from './testing.js';

describe('writeFileAtomically', () => {
  it('replaces the file whole and leaves no temporary file', async () => {
    const dir = tempDir('memlayer-atomic-');
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
    const dir = tempDir('memlayer-atomic-');
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
    const dir = tempDir('memlayer-atomic-');
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

describe('makeDirDurably', () => {
  it('creates missing parents, accepts an existing directory, refuses a file in the way', async () => {
    const root = tempDir('memlayer-atomic-');
    const deep = join(root, 'a', 'b', 'c');
    await makeDirDurably(deep);
    assert.ok(statSync(deep).isDirectory());
    await makeDirDurably(deep);
    await makeDirDurably(join(root, 'a', '.', 'b', '..', 'd'));
    assert.deepEqual(readdirSync(join(root, 'a')).sort(), ['b', 'd']);
    writeFileSync(join(root, 'file'), '');
    await assert.rejects(makeDirDurably(join(root, 'file', 'x')), { code: 'ENOTDIR' });
    await assert.rejects(makeDirDurably(join(root, 'file')), { code: 'EEXIST' });
  });
});
