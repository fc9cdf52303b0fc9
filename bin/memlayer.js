#!/usr/bin/env -S node --initial-old-space-size=256
// The `memlayer` executable: runs the compiled entry point. Its flags are the server's
// (src/config/runtime.ts), which every other launcher passes as well. Imported dynamically so
// that a clone that was never built gets a sentence, not a module-resolution stack trace.
import { existsSync } from 'node:fs';
import { URL, fileURLToPath } from 'node:url';

const entry = new URL('../dist/src/main.js', import.meta.url);
// Only a missing entry point means "not built": any other error (a stale or partial build)
// keeps its own message and stack.
if (!existsSync(fileURLToPath(entry))) {
  console.error('memlayer: not built yet; run `npm run build` (or `npm start`) first');
  process.exit(1);
}
const { main } = await import(entry.href);

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
