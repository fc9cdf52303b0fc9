/**
 * How a memlayer server process is started: the Node/V8 flags it runs with. They must be given
 * on the command line (V8 sizes its heap before any script runs), so every launcher uses this
 * list: `npm start` and bin/memlayer.js' shebang, the Dockerfile, `memlayer dev-cluster`, and the
 * test, consistency and benchmark harnesses. `runtime.test.ts` checks that the ones outside
 * TypeScript say the same.
 */

/**
 * `--initial-old-space-size=256`: V8 skips full (mark-compact) collections while its old
 * generation is below 256 MB. A replicated node allocates several times its log's bytes in
 * short-lived buffers (the entry, its log record, gRPC's serialization and framing per
 * follower, HTTP/2 chunks on the receiving side), and V8 counts those towards starting a full
 * collection: with its default sizing, a node whose heap holds ~22 MB ran one every 100-300 ms
 * under pipelined writes, each marking the whole heap on two shared cores. With the flag, a
 * 3-node cluster ran `SET -P 16` 30-35% faster (alternated A/B, docs/replication.md) for the
 * same unpipelined rate; the heap may hold up to that much garbage before it is collected, and
 * the memory a key costs (bench:resp) did not change.
 */
export const SERVER_NODE_FLAGS: readonly string[] = ['--initial-old-space-size=256'];
