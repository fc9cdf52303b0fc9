#!/usr/bin/env -S node --initial-old-space-size=256
// The `memlayer` executable: runs the compiled entry point (npm run build first). Its flags are
// the server's (src/config/runtime.ts), which every other launcher passes as well.
import { main } from '../dist/src/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
