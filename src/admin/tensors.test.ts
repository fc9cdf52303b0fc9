import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify, { type FastifyInstance } from 'fastify';
import { tableFromIPC } from 'apache-arrow';
import type { DataRequest, Executor } from '../commands/executor.js';
import { ErrorReply, type Reply } from '../commands/reply.js';
import { tensorCommands } from '../commands/tensor/index.js';
import { ENV } from '../commands/tensor/testing.js';
import { Keyspace } from '../store/keyspace.js';
import { tensorToArrow } from '../tensor/arrow.js';
import { Tensor } from '../tensor/tensor.js';
import { tensorRoutes } from './tensors.js';

/** Applies tensor commands to one in-memory keyspace, as a single node would. */
class LocalTensorExecutor implements Executor {
  readonly db = new Keyspace();
  calls: string[][] = [];
  executeOne(args: readonly string[]): Reply {
    this.calls.push([...args]);
    const spec = tensorCommands.find((s) => s.name === (args[0] ?? '').toLowerCase());
    if (spec === undefined || spec.kind !== 'data') throw new Error('unknown command');
    return spec.apply(this.db, args, ENV);
  }
  readLocal(args: readonly string[]): Reply {
    return this.executeOne(args);
  }
  execute(request: DataRequest): Reply {
    return request.commands.map((c) => this.executeOne(c));
  }
  appliedIndex(): number {
    return 0;
  }

  packs(): boolean {
    return false;
  }
}

async function appWith(executor: Executor): Promise<FastifyInstance> {
  const app = Fastify();
  await app.register(tensorRoutes, { executor });
  await app.ready();
  return app;
}

const ARROW = 'application/vnd.apache.arrow.stream';
const f32 = (...v: number[]): Buffer => Buffer.from(new Float32Array(v).buffer);

test('PUT octet-stream then GET it back raw and as Arrow', async (t) => {
  const executor = new LocalTensorExecutor();
  const app = await appWith(executor);
  t.after(() => app.close());
  const put = await app.inject({
    method: 'PUT',
    url: '/v1/tensors/w%C3%A9ights',
    headers: {
      'content-type': 'application/octet-stream',
      'x-tensor-dtype': 'float32',
      'x-tensor-shape': '2,2',
    },
    payload: f32(1, 2, 3, 4),
  });
  assert.equal(put.statusCode, 200, put.body);
  assert.ok(
    executor.db.get('w\u00c3\u00a9ights', 0) instanceof Tensor,
    'the key is the UTF-8 bytes',
  );

  const raw = await app.inject({ method: 'GET', url: '/v1/tensors/w%C3%A9ights' });
  assert.equal(raw.statusCode, 200);
  assert.equal(raw.headers['content-type'], 'application/octet-stream');
  assert.equal(raw.headers['x-tensor-dtype'], 'float32');
  assert.equal(raw.headers['x-tensor-shape'], '2,2');
  assert.deepEqual(raw.rawPayload, f32(1, 2, 3, 4));

  const arrow = await app.inject({
    method: 'GET',
    url: '/v1/tensors/w%C3%A9ights',
    headers: { accept: ARROW },
  });
  assert.equal(arrow.statusCode, 200);
  assert.equal(arrow.headers['content-type'], ARROW);
  const table = tableFromIPC(arrow.rawPayload);
  assert.equal(table.schema.fields[0]?.metadata.get('ARROW:extension:metadata'), '{"shape":[2,2]}');
  assert.deepEqual([...(table.getChildAt(0)?.get(0) ?? [])], [1, 2, 3, 4]);
});

test('PUT an Arrow stream stores the tensor bit for bit', async (t) => {
  const executor = new LocalTensorExecutor();
  const app = await appWith(executor);
  t.after(() => app.close());
  const tensor = Tensor.of('bfloat16', [3], Buffer.from([0x80, 0x3f, 0xc1, 0x7f, 0x01, 0x00]));
  const put = await app.inject({
    method: 'PUT',
    url: '/v1/tensors/b',
    headers: { 'content-type': ARROW },
    payload: Buffer.from(tensorToArrow(tensor)),
  });
  assert.equal(put.statusCode, 200, put.body);
  const stored = executor.db.get('b', 0);
  assert.ok(stored instanceof Tensor);
  assert.equal(stored.dtype, 'bfloat16');
  assert.deepEqual(stored.data, tensor.data);
});

test('errors: 404, 400 with the command error, 409 WRONGTYPE, 415, nothing stored', async (t) => {
  const executor = new LocalTensorExecutor();
  executor.db.put('str', 'x');
  const app = await appWith(executor);
  t.after(() => app.close());
  const octet = (headers: Record<string, string>, payload: Buffer) =>
    app.inject({
      method: 'PUT',
      url: '/v1/tensors/k',
      headers: { 'content-type': 'application/octet-stream', ...headers },
      payload,
    });
  const missing = await app.inject({ method: 'GET', url: '/v1/tensors/none' });
  assert.equal(missing.statusCode, 404);
  assert.equal(missing.json().error.code, 'ERR_NO_SUCH_KEY');
  const badDtype = await octet(
    { 'x-tensor-dtype': 'float128', 'x-tensor-shape': '1' },
    Buffer.alloc(16),
  );
  assert.equal(badDtype.statusCode, 400);
  assert.deepEqual(badDtype.json(), {
    error: { code: 'ERR_BAD_TENSOR', message: 'ERR invalid data type' },
  });
  const badLength = await octet(
    { 'x-tensor-dtype': 'float32', 'x-tensor-shape': '3' },
    Buffer.alloc(8),
  );
  assert.equal(
    badLength.json().error.message,
    'ERR data length does not match tensor shape and type',
  );
  const noHeaders = await octet({}, Buffer.alloc(4));
  assert.equal(noHeaders.statusCode, 400, 'missing headers');
  assert.equal(noHeaders.json().error.code, 'ERR_MISSING_HEADERS');
  const badArrow = await app.inject({
    method: 'PUT',
    url: '/v1/tensors/k',
    headers: { 'content-type': ARROW },
    payload: Buffer.from('junk'),
  });
  assert.equal(badArrow.statusCode, 400);
  assert.equal(badArrow.json().error.code, 'ERR_BAD_ARROW');
  const wrongType = await app.inject({ method: 'GET', url: '/v1/tensors/str' });
  assert.equal(wrongType.statusCode, 409);
  assert.equal(wrongType.json().error.code, 'ERR_WRONGTYPE');
  const json = await app.inject({
    method: 'PUT',
    url: '/v1/tensors/k',
    headers: { 'content-type': 'application/json' },
    payload: '{}',
  });
  assert.equal(json.statusCode, 415);
  assert.equal(json.json().error.code, 'ERR_UNSUPPORTED_MEDIA_TYPE');
  assert.equal(executor.db.get('k', 0), undefined, 'nothing was stored');
});

/** Answers every command with one error reply, as a replicated node under a fault would. */
class FailingExecutor implements Executor {
  calls = 0;
  constructor(private readonly error: ErrorReply) {}
  executeOne(): Reply {
    this.calls++;
    return this.error;
  }
  readLocal(): Reply {
    return this.executeOne();
  }
  execute(): Reply {
    return this.executeOne();
  }
  appliedIndex(): number {
    return 0;
  }
  packs(): boolean {
    return false;
  }
}

test('cluster errors are not bad input: unknown outcome 504, no leader or busy 503 with Retry-After', async (t) => {
  const cases: [reply: string, status: number, code: string, retryAfter: string | undefined][] = [
    [
      'UNKNOWN write outcome unknown (leader unreachable); it may have been applied',
      504,
      'ERR_OUTCOME_UNKNOWN',
      undefined,
    ],
    ['CLUSTERDOWN No Raft leader', 503, 'ERR_NO_LEADER', '1'],
    ['TRYAGAIN Raft log is full, retry later', 503, 'ERR_TRY_AGAIN', '1'],
    ['TIMEOUT linearizable read not confirmed by a quorum in time', 503, 'ERR_TIMEOUT', '1'],
    ['ERR node stopped: disk full', 503, 'ERR_NODE_STOPPED', undefined],
    ['MOVED 0 127.0.0.1:6379', 421, 'ERR_NOT_LEADER', undefined],
    ['SOMETHINGNEW x', 500, 'ERR_INTERNAL', undefined],
    ['ERR syntax error', 400, 'ERR_BAD_TENSOR', undefined],
  ];
  for (const [text, status, code, retryAfter] of cases) {
    const executor = new FailingExecutor(new ErrorReply(text));
    const app = Fastify();
    await app.register(tensorRoutes, {
      executor,
      leader: () => ({ leader: 2, leaderAdminAddress: '127.0.0.1:7382' }),
    });
    t.after(() => app.close());
    const put = await app.inject({
      method: 'PUT',
      url: '/v1/tensors/k',
      headers: {
        'content-type': 'application/octet-stream',
        'x-tensor-dtype': 'float32',
        'x-tensor-shape': '1',
      },
      payload: f32(1),
    });
    const get = await app.inject({ method: 'GET', url: '/v1/tensors/k' });
    assert.equal(executor.calls, 2);
    for (const res of [put, get]) {
      assert.equal(res.statusCode, status, `${text} -> ${res.body}`);
      assert.equal(res.json().error.code, code, text);
      assert.equal(res.headers['retry-after'], retryAfter, text);
      if (code === 'ERR_NOT_LEADER') {
        // An HTTP client follows the admin address, not the RESP one -MOVED names.
        assert.equal(res.json().error.leader, 2);
        assert.equal(res.json().error.leaderAdminAddress, '127.0.0.1:7382');
      } else assert.equal(res.json().error.message, text);
    }
  }
});

test('one real HTTP round trip on 127.0.0.1', async (t) => {
  const executor = new LocalTensorExecutor();
  const app = await appWith(executor);
  t.after(() => app.close());
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  const put = await fetch(`${address}/v1/tensors/real`, {
    method: 'PUT',
    headers: {
      'content-type': 'application/octet-stream',
      'x-tensor-dtype': 'INT8',
      'x-tensor-shape': '[4]',
    },
    body: Buffer.from([1, 2, 3, 255]),
  });
  assert.equal(put.status, 200);
  const get = await fetch(`${address}/v1/tensors/real`);
  assert.equal(get.headers.get('x-tensor-dtype'), 'int8');
  assert.deepEqual(Buffer.from(await get.arrayBuffer()), Buffer.from([1, 2, 3, 255]));
});
