/**
 * The Executor of a replicated node (src/commands/executor.ts): writes go through the Raft log
 * of the data group, reads are served after a (batched) ReadIndex round, so the dispatcher runs
 * unchanged on a single in-memory node and on a cluster.
 */
import type { DataRequest, Executor } from '../commands/executor.js';
import type { Reply } from '../commands/reply.js';
import type { RaftGroup } from './group.js';
import type { ReplicationMetrics } from './replication-metrics.js';

export class RaftExecutor implements Executor {
  constructor(
    private readonly group: RaftGroup,
    private readonly metrics: ReplicationMetrics,
  ) {}

  executeOne(args: readonly string[], write: boolean): Reply | Promise<Reply> {
    return this.group.submit(this.single(args, write));
  }

  readLocal(args: readonly string[]): Reply {
    return this.group.readLocal(this.single(args, false));
  }

  execute(request: DataRequest): Reply | Promise<Reply> {
    const ops = this.metrics.opsByCommand;
    if (request.pipelined === true)
      for (const args of request.commands) ops.inc((args[0] ?? '').toLowerCase());
    else ops.inc(request.transaction ? 'exec' : (request.commands[0]?.[0] ?? '').toLowerCase());
    return this.group.submit(request);
  }

  role(): 'master' | 'replica' {
    return this.group.role === 'leader' ? 'master' : 'replica';
  }

  appliedIndex(): number {
    return this.group.applied;
  }

  /** One command outside any transaction or client session, counted by its name. */
  private single(args: readonly string[], write: boolean): DataRequest {
    this.metrics.opsByCommand.inc((args[0] ?? '').toLowerCase());
    return {
      commands: [args],
      write,
      transaction: false,
      watch: undefined,
      clientId: 0,
      sequence: 0,
    };
  }

  /** Writes wait for the log; reads for a ReadIndex round, except on a lone leader. */
  packs(write: boolean): boolean {
    return write || !this.group.readsAtOnce();
  }
}
