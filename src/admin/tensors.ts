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
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Executor } from '../commands/executor.js';
import { ErrorReply, MapReply, type Reply } from '../commands/reply.js';
import { MemlayerError } from '../shared/errors.js';
import { ARROW_STREAM_TYPE, ArrowTensorError, tensorFromArrow } from '../tensor/arrow.js';
import { TENSOR_BYTES_MAX } from '../tensor/shape.js';

export interface TensorRoutesOptions {
  executor: Executor;
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
  status: number,
  code: string,
  message: string,
): FastifyReply {
  return reply.code(status).type('application/json').send({ error: code, message });
}

/** A command's error reply as an HTTP answer: WRONGTYPE is a conflict, the rest bad input. */
function sendReplyError(reply: FastifyReply, error: ErrorReply): FastifyReply {
  const wrongType = error.text.startsWith('WRONGTYPE');
  return sendError(
    reply,
    wrongType ? 409 : 400,
    wrongType ? 'WRONGTYPE' : 'BAD_TENSOR',
    error.text,
  );
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
      sendError(reply, error.httpStatus, error.code, error.resp);
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
    sendError(reply, 415, 'UNSUPPORTED_MEDIA_TYPE', `send ${ARROW_STREAM_TYPE} or ${OCTET}`);
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
      sendError(reply, 400, 'BAD_ARROW', error.message);
      return undefined;
    }
  }
  const dtype = request.headers['x-tensor-dtype'];
  const shape = request.headers['x-tensor-shape'];
  if (typeof dtype !== 'string' || typeof shape !== 'string') {
    const message = 'octet-stream bodies need x-tensor-dtype and x-tensor-shape';
    sendError(reply, 400, 'MISSING_HEADERS', message);
    return undefined;
  }
  return { dtype, shape, blob: body };
}

function getHandler(executor: Executor) {
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
      return sendError(reply, 404, 'NOT_FOUND', `no tensor under key ${request.params.key}`);
    if (result instanceof ErrorReply) return sendReplyError(reply, result);
    if (arrow && Buffer.isBuffer(result)) return reply.type(ARROW_STREAM_TYPE).send(result);
    const parts = metaBlob(result);
    if (parts === undefined)
      return sendError(reply, 502, 'BAD_REPLY', 'unexpected reply from the state machine');
    return reply
      .type(OCTET)
      .header('x-tensor-dtype', parts.dtype)
      .header('x-tensor-shape', parts.shape.join(','))
      .send(parts.blob);
  };
}

function putHandler(executor: Executor) {
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
    if (result instanceof ErrorReply) return sendReplyError(reply, result);
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
  app.get<{ Params: KeyParams }>('/v1/tensors/:key', getHandler(opts.executor));
  app.put<{ Params: KeyParams }>(
    '/v1/tensors/:key',
    { bodyLimit: BODY_BYTES_MAX },
    putHandler(opts.executor),
  );
}
