/**
 * The REST admin API (fastify, default port 7380): health and readiness probes, Prometheus
 * metrics, and cluster membership. Routes are grouped in encapsulated plugins; every error goes
 * through one handler that answers from the catalog in errors.ts. With `requirepass` set, every
 * route but the two probes needs the password (auth.ts).
 *
 *   GET    /healthz                   200 while the process serves requests
 *   GET    /readyz                    200 when a leader is known and this node has applied all
 *                                     it knows is committed; 503 ERR_NOT_READY otherwise
 *   GET    /metrics                   Prometheus text format 0.0.4
 *   GET    /v1/cluster                this node's view: role, term, indexes, members
 *   POST   /v1/cluster/members        {"id": 4, "peerAddress": "10.0.0.4:7381"} -> learner, then voter
 *   DELETE /v1/cluster/members/:id    removes a member
 *   POST   /v1/cluster/leader         {"id": 2} -> transfers leadership
 *   /v1/tensors/...                   tensor routes (docs/tensors.md)
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Executor } from '../commands/executor.js';
import { ErrorReply } from '../commands/reply.js';
import { RaftError, type NodeId } from '../raft/types.js';
import { NODE_ID_MAX, nodeId } from '../shared/brand.js';
import type { ReplicationHost } from '../replication/host.js';
import { basicAuthorization, requirePassword } from './auth.js';
import { AdminError, errorBody, retryAfterSeconds } from './errors.js';
import { tensorRoutes } from './tensors.js';

export interface AdminOptions {
  /** Undefined on a node without Raft (`--durability memory`). */
  readonly host: ReplicationHost | undefined;
  readonly executor: Executor;
  /** More exposition text for /metrics (server counters owned by other layers). */
  readonly extraMetrics?: () => string;
  /** Registers more routes (the tensors plugin) inside the same error handling. */
  readonly plugins?: readonly ((
    app: FastifyInstance,
    executor: Executor,
  ) => Promise<void> | void)[];
  readonly bodyLimitBytes?: number;
  /** How long POST /v1/cluster/leader waits for the new leader. */
  readonly transferWaitMs?: number;
  /**
   * The server's live `requirepass` ('' = none), read per request so that CONFIG SET applies
   * at once. Absent: no password.
   */
  readonly password?: () => string;
}

export const ADMIN_BODY_LIMIT_BYTES = 64 * 1024;

export async function buildAdminServer(o: AdminOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: o.bodyLimitBytes ?? ADMIN_BODY_LIMIT_BYTES,
    // Bad input is rejected, not repaired: no type coercion, no silent removal of fields.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    forceCloseConnections: true,
  });
  // JSON only: a form or text body is refused (415), not parsed into something unexpected.
  app.removeContentTypeParser('text/plain');
  const password = o.password ?? ((): string => '');
  // On the root, before any route: it covers every plugin below and unknown routes alike.
  requirePassword(app, password);
  app.setErrorHandler((err: FastifyError, _req, reply) => sendError(reply, err));
  app.setNotFoundHandler((req, reply) =>
    reply
      .code(404)
      .send(errorBody('ERR_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0] ?? ''}`)),
  );
  await app.register(probeRoutes, { host: o.host, extraMetrics: o.extraMetrics });
  await app.register(clusterRoutes, {
    host: o.host,
    transferWaitMs: o.transferWaitMs ?? 5000,
    password,
  });
  // Tensor upload/download (src/admin/tensors.ts, owned by the tensors layer).
  const host = o.host;
  await app.register(tensorRoutes, {
    executor: o.executor,
    ...(host === undefined ? {} : { leader: () => leaderDetails(host) }),
  });
  for (const plugin of o.plugins ?? [])
    await app.register(async (child) => plugin(child, o.executor));
  return app;
}

function sendError(reply: FastifyReply, err: FastifyError | Error): FastifyReply {
  if (err instanceof AdminError) {
    const retryAfter = retryAfterSeconds(err.code);
    if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
    return reply.code(err.httpStatus).send(errorBody(err.code, err.message, err.details));
  }
  const status = 'statusCode' in err && typeof err.statusCode === 'number' ? err.statusCode : 500;
  if (status === 413) return reply.code(413).send(errorBody('ERR_PAYLOAD_TOO_LARGE', err.message));
  if (status === 415)
    return reply.code(415).send(errorBody('ERR_UNSUPPORTED_MEDIA_TYPE', err.message));
  if (status >= 400 && status < 500)
    return reply.code(400).send(errorBody('ERR_BAD_REQUEST', err.message));
  return reply.code(500).send(errorBody('ERR_INTERNAL', 'internal error'));
}

interface ProbeOptions {
  readonly host: ReplicationHost | undefined;
  readonly extraMetrics: (() => string) | undefined;
}

async function probeRoutes(app: FastifyInstance, o: ProbeOptions): Promise<void> {
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async () => {
    const r = o.host?.readiness() ?? { ready: true, reason: 'ok' };
    if (!r.ready) throw new AdminError('ERR_NOT_READY', `not ready: ${r.reason}`);
    return { status: 'ready' };
  });
  app.get('/metrics', async (_req, reply) => {
    const text = (o.host?.metrics.registry.render() ?? '') + (o.extraMetrics?.() ?? '');
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
  });
}

interface ClusterOptions {
  readonly host: ReplicationHost | undefined;
  readonly transferWaitMs: number;
  /** Sent with the hand-off's request to the new leader (the members share the password). */
  readonly password: () => string;
}

/** The node id range (--id, --peers): 1 to 2^32-1. */

const idBody = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: { id: { type: 'integer', minimum: 1, maximum: NODE_ID_MAX } },
} as const;

const memberBody = {
  type: 'object',
  required: ['id', 'peerAddress'],
  additionalProperties: false,
  properties: {
    id: { type: 'integer', minimum: 1, maximum: NODE_ID_MAX },
    peerAddress: {
      type: 'string',
      maxLength: 255,
      pattern: '^[A-Za-z0-9.\\-\\[\\]:]+:[0-9]{1,5}$',
    },
  },
} as const;

/** The path's id, as a string: its range is checked as a number (nodeIdParam) like the bodies'. */
const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[1-9][0-9]{0,9}$' } },
} as const;

/** The same rule as the bodies' `id` (1..2^32-1), with the same answer: 400. */
function nodeIdParam(text: string): NodeId {
  const id = Number(text);
  if (id > NODE_ID_MAX)
    throw new AdminError('ERR_BAD_REQUEST', `params/id must be <= ${NODE_ID_MAX}`);
  return nodeId(id);
}

async function clusterRoutes(app: FastifyInstance, o: ClusterOptions): Promise<void> {
  const replicated = (): ReplicationHost => {
    if (o.host === undefined) throw new AdminError('ERR_NOT_REPLICATED');
    return o.host;
  };
  app.get('/v1/cluster', async () => replicated().describe());

  app.post<{ Body: { id: number; peerAddress: string } }>(
    '/v1/cluster/members',
    { schema: { body: memberBody } },
    async (req, reply) => {
      const host = leaderOnly(replicated());
      const outcome = await membership(() =>
        host.addMember(nodeId(req.body.id), req.body.peerAddress),
      );
      return reply
        .code(201)
        .send({ id: req.body.id, peerAddress: req.body.peerAddress, role: 'learner', ...outcome });
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/v1/cluster/members/:id',
    { schema: { params: idParams } },
    async (req, reply) => {
      const id = nodeIdParam(req.params.id);
      const host = leaderOnly(replicated());
      if (id === host.options.id) {
        const handedOff = await handOffThenRemove(host, id, o.transferWaitMs, o.password());
        if (handedOff !== undefined)
          return reply.code(handedOff.status).type('application/json').send(handedOff.body);
      }
      return { id, removed: true, ...(await membership(() => host.removeMember(id))) };
    },
  );

  app.post<{ Body: { id: number } }>(
    '/v1/cluster/leader',
    { schema: { body: idBody } },
    async (req) => {
      const host = leaderOnly(replicated());
      const to = nodeId(req.body.id);
      // A learner has no vote and so cannot lead (Raft §6): a member, but not a candidate.
      if (host.data.status().conf.learners.includes(to))
        throw new AdminError(
          'ERR_LEARNER',
          `node ${to} is a learner and cannot lead; it becomes a voter once it has caught up`,
        );
      let leader: NodeId;
      try {
        leader = await host.transferLeader(to, o.transferWaitMs);
      } catch (err) {
        throw mapRaftError(err);
      }
      if (leader !== to)
        throw new AdminError(
          'ERR_TRANSFER_FAILED',
          `node ${to} did not become leader (leader: ${leader})`,
        );
      return { leader };
    },
  );
}

/**
 * A leader asked to remove itself first hands leadership to its most caught-up voter and has
 * the new leader remove it (through that node's admin API), so the group never waits an
 * election timeout for a leader. Undefined if there is nobody to hand off to or the transfer
 * did not happen in time: the caller then removes itself as leader (it steps down once the
 * change commits, and the others elect a leader).
 */
async function handOffThenRemove(
  host: ReplicationHost,
  id: NodeId,
  waitMs: number,
  password: string,
): Promise<{ status: number; body: string } | undefined> {
  const to = host.successor();
  if (to === undefined) return undefined;
  let leader: NodeId;
  try {
    leader = await host.transferLeader(to, waitMs);
  } catch {
    return undefined;
  }
  const admin = host.addressesOf(leader).admin;
  if (leader !== to || admin === '') return undefined;
  try {
    const response = await fetch(`http://${admin}/v1/cluster/members/${id}`, {
      method: 'DELETE',
      headers: password === '' ? {} : { authorization: basicAuthorization(password) },
      signal: AbortSignal.timeout(waitMs + 5000),
    });
    return { status: response.status, body: await response.text() };
  } catch (err) {
    // Sent, but no answer: the removal may or may not have happened.
    throw new AdminError(
      'ERR_OUTCOME_UNKNOWN',
      `leadership moved to node ${leader}; its removal of node ${id} did not answer (${err instanceof Error ? err.message : String(err)})`,
    );
  }
}

/** Membership changes go to the leader; others say who it is. */
function leaderOnly(host: ReplicationHost): ReplicationHost {
  const v = host.data;
  if (v.role === 'leader') return host;
  if (v.leader === 0) throw new AdminError('ERR_NO_LEADER');
  throw new AdminError(
    'ERR_NOT_LEADER',
    `node ${host.options.id} is not the leader; node ${v.leader} is`,
    leaderDetails(host),
  );
}

/** Where ERR_NOT_LEADER sends the client: the leader's id and admin address. */
function leaderDetails(host: ReplicationHost): { leader: number; leaderAdminAddress: string } {
  const leader = host.data.leader;
  return { leader, leaderAdminAddress: leader === 0 ? '' : host.addressesOf(leader).admin };
}

async function membership(run: () => Promise<unknown>): Promise<{ index?: number }> {
  let result: unknown;
  try {
    result = await run();
  } catch (err) {
    throw mapRaftError(err);
  }
  if (result instanceof ErrorReply) throw new AdminError('ERR_OUTCOME_UNKNOWN', result.text);
  return {};
}

function mapRaftError(err: unknown): Error {
  if (!(err instanceof RaftError)) return err instanceof Error ? err : new Error(String(err));
  switch (err.code) {
    case 'notLeader':
      return new AdminError('ERR_NOT_LEADER', err.message);
    case 'confChangeInProgress':
    case 'learnerNotCaughtUp':
    case 'transferInProgress':
      return new AdminError('ERR_CHANGE_IN_PROGRESS', err.message);
    default:
      if (/already a member/.test(err.message))
        return new AdminError('ERR_MEMBER_EXISTS', err.message);
      if (/not a member|not a voter/.test(err.message))
        return new AdminError('ERR_NOT_A_MEMBER', err.message);
      if (/last voter/.test(err.message)) return new AdminError('ERR_LAST_VOTER', err.message);
      return new AdminError('ERR_BAD_REQUEST', err.message);
  }
}
