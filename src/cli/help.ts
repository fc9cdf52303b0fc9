/** The text of `memlayer --help`. */
export const USAGE = `memlayer: a Raft-replicated in-memory key/tensor database that speaks the Redis protocol

Usage:
  memlayer server [flags]     start a server (Ctrl-C or SIGTERM: save a snapshot and stop)
  memlayer --help             show this help
  memlayer --version          print the version

Server flags (also the keys of a --config JSON file; flags win over the file):
  --config FILE               JSON object of the settings below, e.g. {"port": 6380}
  --port N                    RESP port (default 6379; 0 picks a free port)
  --bind ADDR                 listen address (default 127.0.0.1)
  --data-dir DIR              snapshots go to DIR/dump.mlsnap, loaded at startup
                              (default ./data; '' keeps nothing on disk)
  --requirepass PASS          require AUTH PASS (or HELLO 3 AUTH default PASS)
  --maxclients N              most client connections at once (default 10000)
  --timeout SECONDS           close clients idle this long (default 0: never)
  --log-level LEVEL           fatal|error|warn|info|debug|trace|silent (default info)
  --durability MODE           memory: in memory, snapshots on SAVE/BGSAVE/SHUTDOWN (default)
  --maxmemory BYTES           reported by INFO/CONFIG (eviction: not yet)
  --maxmemory-policy POLICY   reported by INFO/CONFIG (default noeviction)
  --proto-max-bulk-len BYTES  largest bulk string a client may send (default 512mb)
  --client-query-buffer-limit BYTES  unparsed input held per client (default 1gb)

Logs are JSON lines (pino) on stdout. Exit codes: 0 clean stop, 1 startup failure,
2 bad flags or config.
`;
