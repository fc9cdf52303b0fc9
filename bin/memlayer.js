#!/usr/bin/env -S node --initial-old-space-size=256
// The `memlayer` executable: runs the compiled entry point. Its flags are the server's
// (src/config/runtime.ts), which every other launcher passes as well. Imported dynamically so
// that a clone that was never built gets a sentence, not a module-resolution stack trace.
import { URL } from 'node:url';

const entry = new URL('../dist/src/main.js', import.meta.url);
let main;
try {
  ({ main } = await import(entry.href));
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('main.js'))
    throw error;
  console.error('memlayer: not built yet; run `npm run build` (or `npm start`) first');
  process.exit(1);
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
