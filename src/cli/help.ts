/** The text of `memlayer --help`. */
export const USAGE = `memlayer: a Raft-replicated in-memory key/tensor database that speaks the Redis protocol

Usage:
  memlayer server [flags]     start a server (Ctrl-C or SIGTERM: save a snapshot and stop)
  memlayer cluster ...        manage a cluster over its REST admin API (memlayer cluster --help)
  memlayer dev-cluster        start a local 3-node cluster (--nodes N, --dir DIR); Ctrl-C stops it
  memlayer --help             show this help
  memlayer --version          print the version

Server flags (also the keys of a --config JSON file; flags win over the file):
  --config FILE               JSON object of the settings below, keyed by flag name without
                              the dashes, e.g. {"port": 6380, "admin-port": "none"}
  --port N                    RESP port (default 6379; 0 picks a free port)
  --bind ADDR                 listen address (default 127.0.0.1)
  --admin-port N              REST admin API: /healthz, /readyz, /metrics, tensors,
                              cluster (default 7380; 0 any, the default with --port 0;
                              none: off)
  --data-dir DIR              default ./data. fsync: the Raft log and its snapshots
                              (DIR/raft, DIR/raft-snapshots), replayed at startup;
                              memory: snapshots in DIR/dump.mlsnap, loaded at startup,
                              or '' to keep nothing on disk
  --requirepass PASS          require AUTH PASS (or HELLO 3 AUTH default PASS); the admin
                              API wants it too (Bearer, or Basic as user default), all
                              but /healthz and /readyz
  --maxclients N              most client connections at once (default 10000)
  --timeout SECONDS           close clients that sent and received nothing this long,
                              unless a reply is pending (default 0: never)
  --log-level LEVEL           fatal|error|warn|info|debug|trace|silent (default info)
  --durability MODE           fsync (default): every write in a Raft log in DIR/raft,
                              fsynced before it is acknowledged (alone: a group of one)
                              memory: one node without Raft, in memory, snapshots on
                              SAVE/BGSAVE/SHUTDOWN and by the --save rules
  --save "SECONDS CHANGES ..."  background save after SECONDS if at least CHANGES writes
                              (Redis' save; default "3600 1 300 100 60 10000" with
                              --durability memory and a data dir, else ""; "" = off)
  --maxmemory BYTES           memory limit (default 0: none; docs/memory.md)
  --maxmemory-policy POLICY   above it: evict (allkeys-lru|lfu|random, volatile-lru|lfu|
                              random|ttl) or answer -OOM (noeviction, the default)
  --maxmemory-samples N       keys sampled per eviction step (default 5)
  --maxmemory-eviction-tenacity N  0..100, time one command may spend evicting (default 10)
  --lfu-log-factor N          LFU counter growth (default 10)
  --lfu-decay-time MINUTES    LFU counter decay period (default 1; 0: never)
  --proto-max-bulk-len BYTES  largest bulk string a client may send (default and most:
                              536870888, the longest string Node.js holds; Redis: 512mb)
  --client-query-buffer-limit BYTES  input held per client and not yet part of a complete
                              argument (default 1gb)

Replication flags (--durability fsync; with --durability memory they are an error):
  --id N                      this node's id in its cluster (default 1)
  --peers LIST                members of a new cluster: 1=HOST:PEERPORT,2=...,3=...
  --routes LIST               how this node reaches peers (ID=HOST:PORT,...), over the
                              addresses in the membership (NAT, proxies)
  --join                      start empty and wait to be added (memlayer cluster add)
  --peer-port N               peer gRPC (default: the port --peers gives this node, else
                              7381; 0 any; none: off); must agree with --peers
  --advertise HOST            host given to peers and clients (default: --bind). Required
                              in a cluster when --bind is 0.0.0.0 or ::; a lone node
                              bound so gives its host name
  --cluster NAME              peers with another cluster name are refused (default memlayer)
  --forward | --moved         followers forward requests to the leader (default) or
                              answer -MOVED 0 leader-host:port

Logs are JSON lines (pino) on stdout. Exit codes: 0 clean stop, 1 startup failure,
2 bad flags or config.
`;
