#!/usr/bin/env node
// The `memlayer` executable: runs the compiled entry point (npm run build first).
import { main } from '../dist/src/main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
