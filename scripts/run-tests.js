#!/usr/bin/env node
// Runs every compiled test file (dist/**/*.test.js) with node's own test runner.
// Usage: node scripts/run-tests.js [filter...]   (a filter is a substring of the file path)
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

const roots = ['dist/src', 'dist/test', 'dist/jepsen', 'dist/bench'];
const filters = process.argv.slice(2);

function walk(dir, out) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, out);
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

// tsc never removes what it compiled: a test whose source was deleted or moved stays in dist
// (and would run against modules that changed under it). Only files with a source run.
const hasSource = (file) => existsSync(file.replace(/^dist\//, '').replace(/\.js$/, '.ts'));

const files = roots
  .flatMap((root) => walk(root, []))
  .filter(hasSource)
  .filter((file) => filters.length === 0 || filters.some((f) => file.includes(f)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '2';
// A test left waiting (a server that never answers, a promise never settled) fails after ten
// minutes instead of holding CI until its own limit; the longest test takes about one.
const result = spawnSync(
  process.execPath,
  [
    '--test',
    `--test-concurrency=${concurrency}`,
    '--test-timeout=600000',
    '--test-reporter=spec',
    ...files,
  ],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
