/**
 * REST routes for tensors, a fastify plugin the admin server registers:
 *
 *   GET /v1/tensors/:key   Accept: application/vnd.apache.arrow.stream -> Arrow IPC stream
 *                          (arrow.fixed_shape_tensor); otherwise application/octet-stream with
 *                          the raw little-endian elements and x-tensor-dtype / x-tensor-shape
 *   PUT /v1/tensors/:key   the same two bodies (octet-stream needs both headers)
 *
 * Both go through the Executor as TENSOR.GET / TENSOR.SET, so they are linearizable and
 * replicated exactly like the RESP commands, and bad input gets the same checks and errors.
 * The key in the URL is UTF-8 (percent-encoded); it names the key with those bytes.
 *
 * Errors have the admin API's shape and catalog (errors.ts). A command's error reply is mapped
 * by its prefix: only the command refusing the input is 400; an unknown outcome is 504 (the
 * write may have happened), no leader / retry later is 503 with Retry-After.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Executor } from '../commands/executor.js';
import { ErrorReply, MapReply, type Reply } from '../commands/reply.js';
import { MemlayerError } from '../shared/errors.js';
import { ADMIN_ERRORS, errorBody, retryAfterSeconds, type AdminErrorCode } from './errors.js';
import { ARROW_STREAM_TYPE, ArrowTensorError, tensorFromArrow } from '../tensor/arrow.js';
import { TENSOR_BYTES_MAX } from '../tensor/shape.js';

export interface TensorRoutesOptions {
  executor: Executor;
  /** Who leads, for the 421 a follower answers in --moved mode (absent without Raft). */
  leader?: () => { leader: number; leaderAdminAddress: string };
}

const OCTET = 'application/octet-stream';
/** Arrow framing around the largest tensor stays far below this. */
const BODY_BYTES_MAX = TENSOR_BYTES_MAX + 1024 * 1024;

interface KeyParams {
  key: string;
}

function keyBytes(key: string): string {
  return Buffer.from(key, 'utf8').toString('latin1');
}

function sendError(
  reply: FastifyReply,
  code: AdminErrorCode,
  message: string,
  details: Readonly<Record<string, unknown>> = {},
): FastifyReply {
  const retryAfter = retryAfterSeconds(code);
  if (retryAfter !== undefined) reply.header('retry-after', String(retryAfter));
  return reply
    .code(ADMIN_ERRORS[code].status)
    .type('application/json')
    .send(errorBody(code, message, details));
}

/**
 * Error replies by prefix (src/replication/errors.ts lists the replicated node's). The command's
 * own checks answer `ERR ...`: bad input, 400. A prefix not listed is not the client's fault.
 */
const REPLY_ERRORS: readonly (readonly [prefix: string, code: AdminErrorCode])[] = [
  ['WRONGTYPE ', 'ERR_WRONGTYPE'],
  ['UNKNOWN ', 'ERR_OUTCOME_UNKNOWN'],
  ['CLUSTERDOWN ', 'ERR_NO_LEADER'],
  ['TRYAGAIN ', 'ERR_TRY_AGAIN'],
  ['TIMEOUT ', 'ERR_TIMEOUT'],
  ['MOVED ', 'ERR_NOT_LEADER'],
  ['ERR node stopped', 'ERR_NODE_STOPPED'],
  ['ERR ', 'ERR_BAD_TENSOR'],
];

function replyErrorCode(text: string): AdminErrorCode {
  return REPLY_ERRORS.find(([prefix]) => text.startsWith(prefix))?.[1] ?? 'ERR_INTERNAL';
}

/** A command's error reply as an HTTP answer; the message is the reply's text. */
function sendReplyError(
  reply: FastifyReply,
  error: ErrorReply,
  opts: TensorRoutesOptions,
): FastifyReply {
  const code = replyErrorCode(error.text);
  if (code !== 'ERR_NOT_LEADER') return sendError(reply, code, error.text);
  // -MOVED names the leader's RESP address; an HTTP client needs its admin address.
  const leader = opts.leader?.() ?? { leader: 0, leaderAdminAddress: '' };
  return sendError(reply, code, `this node is not the leader; ask node ${leader.leader}`, leader);
}

async function execute(
  reply: FastifyReply,
  executor: Executor,
  args: string[],
  write: boolean,
): Promise<Reply | undefined> {
  try {
    return await executor.executeOne(args, write);
  } catch (error) {
    if (error instanceof MemlayerError) {
      reply.code(error.httpStatus).type('application/json').send(errorBody(error.code, error.resp));
      return undefined;
    }
    throw error;
  }
}

/** dtype, shape and blob from TENSOR.GET key META BLOB (a map, or its RESP2 flat form). */
function metaBlob(result: Reply): { dtype: string; shape: number[]; blob: Buffer } | undefined {
  const entries = result instanceof MapReply ? result.entries : undefined;
  if (entries === undefined) return undefined;
  const get = (name: string): Reply | undefined => entries.find(([k]) => k === name)?.[1];
  const dtype = get('dtype');
  const shape = get('shape');
  const blob = get('blob');
  if (typeof dtype !== 'string' || !Array.isArray(shape)) return undefined;
  const bytes = Buffer.isBuffer(blob)
    ? blob
    : typeof blob === 'string'
      ? Buffer.from(blob, 'latin1')
      : undefined;
  return bytes === undefined ? undefined : { dtype, shape: shape.map(Number), blob: bytes };
}

interface Upload {
  dtype: string;
  shape: string;
  blob: Buffer;
}

/** dtype, shape and elements of a PUT body, or an error already sent. */
function parseUpload(
  request: FastifyRequest<{ Params: KeyParams }>,
  reply: FastifyReply,
): Upload | undefined {
  const body = request.body;
  if (!Buffer.isBuffer(body)) {
    sendError(reply, 'ERR_UNSUPPORTED_MEDIA_TYPE', `send ${ARROW_STREAM_TYPE} or ${OCTET}`);
    return undefined;
  }
  const type = String(request.headers['content-type'] ?? '')
    .split(';')[0]
    ?.trim();
  if (type === ARROW_STREAM_TYPE) {
    try {
      const tensor = tensorFromArrow(body);
      return { dtype: tensor.dtype, shape: `[${tensor.shape.join(',')}]`, blob: tensor.data };
    } catch (error) {
      if (!(error instanceof ArrowTensorError)) throw error;
      sendError(reply, 'ERR_BAD_ARROW', error.message);
      return undefined;
    }
  }
  const dtype = request.headers['x-tensor-dtype'];
  const shape = request.headers['x-tensor-shape'];
  if (typeof dtype !== 'string' || typeof shape !== 'string') {
    sendError(reply, 'ERR_MISSING_HEADERS', ADMIN_ERRORS.ERR_MISSING_HEADERS.message);
    return undefined;
  }
  return { dtype, shape, blob: body };
}

function getHandler(opts: TensorRoutesOptions) {
  const executor = opts.executor;
  return async (
    request: FastifyRequest<{ Params: KeyParams }>,
    reply: FastifyReply,
  ): Promise<FastifyReply> => {
    const key = keyBytes(request.params.key);
    const arrow = (request.headers.accept ?? '').includes(ARROW_STREAM_TYPE);
    const args = arrow ? ['TENSOR.GET', key, 'ARROW'] : ['TENSOR.GET', key, 'META', 'BLOB'];
    const result = await execute(reply, executor, args, false);
    if (result === undefined) return reply;
    if (result === null)
      return sendError(reply, 'ERR_NO_SUCH_KEY', `no tensor under key ${request.params.key}`);
    if (result instanceof ErrorReply) return sendReplyError(reply, result, opts);
    if (arrow && Buffer.isBuffer(result)) return reply.type(ARROW_STREAM_TYPE).send(result);
    const parts = metaBlob(result);
    if (parts === undefined)
      return sendError(reply, 'ERR_INTERNAL', 'unexpected reply from the state machine');
    return reply
      .type(OCTET)
      .header('x-tensor-dtype', parts.dtype)
      .header('x-tensor-shape', parts.shape.join(','))
      .send(parts.blob);
  };
}

function putHandler(opts: TensorRoutesOptions) {
  const executor = opts.executor;
  return async (
    request: FastifyRequest<{ Params: KeyParams }>,
    reply: FastifyReply,
  ): Promise<FastifyReply> => {
    const upload = parseUpload(request, reply);
    if (upload === undefined) return reply;
    const { dtype, shape, blob } = upload;
    const key = keyBytes(request.params.key);
    const args = ['TENSOR.SET', key, dtype, shape, 'BLOB', blob.toString('latin1')];
    const result = await execute(reply, executor, args, true);
    if (result === undefined) return reply;
    if (result instanceof ErrorReply) return sendReplyError(reply, result, opts);
    return reply.code(200).send({ key: request.params.key, dtype, shape, bytes: blob.byteLength });
  };
}

export async function tensorRoutes(app: FastifyInstance, opts: TensorRoutesOptions): Promise<void> {
  for (const type of [ARROW_STREAM_TYPE, OCTET]) {
    if (!app.hasContentTypeParser(type)) {
      app.addContentTypeParser(
        type,
        { parseAs: 'buffer', bodyLimit: BODY_BYTES_MAX },
        (_req, body, done) => {
          done(null, body);
        },
      );
    }
  }
  app.get<{ Params: KeyParams }>('/v1/tensors/:key', getHandler(opts));
  app.put<{ Params: KeyParams }>(
    '/v1/tensors/:key',
    { bodyLimit: BODY_BYTES_MAX },
    putHandler(opts),
  );
}
