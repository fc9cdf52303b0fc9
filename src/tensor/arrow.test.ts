import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Field,
  FixedSizeList,
  Float32,
  Int32,
  Int8,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromIPC,
  tableToIPC,
  Type,
  Uint16,
} from 'apache-arrow';
import { ALL_DTYPES } from './dtype.js';
import { tensorFromArrow, tensorsFromArrow, tensorsToArrow, tensorToArrow } from './arrow.js';
import { Tensor } from './tensor.js';
import { sampleBytes, SAMPLE_SHAPE } from './testing.js';

const EXPECTED_TYPE: Record<string, string> = {
  float16: 'Float16',
  bfloat16: 'Uint16',
  float32: 'Float32',
  float64: 'Float64',
  bool: 'Bool',
};

test("every dtype: apache-arrow's own reader sees the extension, the shape and the bits", () => {
  for (const dtype of ALL_DTYPES) {
    const tensor = Tensor.of(dtype, SAMPLE_SHAPE, sampleBytes(dtype));
    const table = tableFromIPC(tensorToArrow(tensor));
    const field = table.schema.fields[0];
    assert.ok(field !== undefined);
    assert.equal(field.metadata.get('ARROW:extension:name'), 'arrow.fixed_shape_tensor');
    assert.deepEqual(JSON.parse(field.metadata.get('ARROW:extension:metadata') ?? ''), {
      shape: [2, 3],
    });
    assert.equal(
      field.metadata.get('memlayer:dtype'),
      dtype === 'bfloat16' ? 'bfloat16' : undefined,
    );
    const list = field.type as FixedSizeList;
    assert.equal(list.typeId, Type.FixedSizeList);
    assert.equal(list.listSize, 6);
    const itemType = String(list.children[0]?.type);
    assert.equal(
      itemType,
      EXPECTED_TYPE[dtype] ?? dtype.replace(/^u?int/, (m) => (m === 'uint' ? 'Uint' : 'Int')),
    );
    const child = table.batches[0]?.data.children[0]?.children[0];
    assert.ok(child !== undefined);
    if (dtype === 'bool') {
      assert.deepEqual(
        [...(table.getChildAt(0)?.get(0) ?? [])],
        [false, true, true, false, true, false],
      );
    } else {
      const values = child.values as Uint8Array;
      assert.deepEqual(
        Buffer.from(values.buffer, values.byteOffset, tensor.byteLength),
        tensor.data,
        dtype,
      );
    }
  }
});

test('every dtype round-trips tensor -> Arrow -> tensor bit for bit', () => {
  for (const dtype of ALL_DTYPES) {
    const tensor = Tensor.of(dtype, SAMPLE_SHAPE, sampleBytes(dtype));
    const back = tensorFromArrow(tensorToArrow(tensor));
    assert.equal(back.dtype, dtype);
    assert.deepEqual(back.shape, SAMPLE_SHAPE);
    assert.deepEqual(back.data, tensor.data, dtype);
  }
});

test('reading is zero-copy: the tensor views the IPC bytes', () => {
  const tensor = Tensor.of('float32', [4], Buffer.from(new Float32Array([1, 2, 3, 4]).buffer));
  const ipc = tensorToArrow(tensor);
  const back = tensorFromArrow(ipc);
  assert.equal(back.data.buffer, ipc.buffer);
});

test('a batch of equal-shape tensors is one table, one row each', () => {
  const tensors = [0, 1, 2].map((k) =>
    Tensor.of('int32', [2, 2], Buffer.from(new Int32Array([k, k + 1, k + 2, k + 3]).buffer)),
  );
  const ipc = tensorsToArrow(tensors);
  const table = tableFromIPC(ipc);
  assert.equal(table.numRows, 3);
  assert.deepEqual([...(table.getChildAt(0)?.get(2) ?? [])], [2, 3, 4, 5]);
  const back = tensorsFromArrow(ipc);
  assert.deepEqual(
    back.map((t) => [...t.data]),
    tensors.map((t) => [...t.data]),
  );
});

/** A one-row stream of `listSize` values of `valueType` (its values: `values`, 0s by default). */
function foreign(
  metadata: Map<string, string>,
  listSize = 4,
  valueType: Float32 | Int8 | Int32 | Uint16 = new Float32(),
  values: Float32Array | Int8Array | Int32Array | Uint16Array = new Float32Array(listSize),
): Uint8Array {
  // The element type varies, so the builders cannot check the pairing: casts to one type.
  const type = valueType as Float32;
  const child = makeData({ type, length: listSize, data: values as Float32Array });
  const listType = new FixedSizeList(listSize, new Field('item', type, false));
  const list = makeData({ type: listType, length: 1, nullCount: 0, child });
  const schema = new Schema([new Field('t', listType, false, metadata)]);
  const data = makeData({
    type: new Struct(schema.fields),
    length: 1,
    nullCount: 0,
    children: [list],
  });
  return tableToIPC(new Table([new RecordBatch(schema, data)]), 'stream');
}

test('refuses what is not a row-major fixed_shape_tensor column', () => {
  const ext = (meta: string): Map<string, string> =>
    new Map([
      ['ARROW:extension:name', 'arrow.fixed_shape_tensor'],
      ['ARROW:extension:metadata', meta],
    ]);
  assert.equal(tensorFromArrow(foreign(ext('{"shape":[2,2]}'))).length, 4);
  assert.throws(() => tensorFromArrow(Buffer.from('not arrow')), /not an Arrow IPC stream/);
  assert.throws(() => tensorFromArrow(foreign(new Map())), /not an arrow.fixed_shape_tensor/);
  assert.throws(() => tensorFromArrow(foreign(ext('{nope'))), /not JSON/);
  assert.throws(() => tensorFromArrow(foreign(ext('{"shape":[0,4]}'))), /positive integers/);
  assert.throws(() => tensorFromArrow(foreign(ext('{"shape":[3,2]}'))), /list size/);
  assert.throws(
    () => tensorFromArrow(foreign(ext('{"shape":[2,2],"permutation":[1,0]}'))),
    /permuted/,
  );
});

test('reads memlayer:dtype bfloat16 only from a uint16 column, and never past a column', () => {
  const ext = new Map([
    ['ARROW:extension:name', 'arrow.fixed_shape_tensor'],
    ['ARROW:extension:metadata', '{"shape":[4]}'],
    ['memlayer:dtype', 'bfloat16'],
  ]);
  const bf16 = tensorFromArrow(foreign(ext, 4, new Uint16(), Uint16Array.of(0x3f80, 0, 1, 2)));
  assert.equal(bf16.dtype, 'bfloat16');
  assert.deepEqual([...bf16.data], [0x80, 0x3f, 0, 0, 1, 0, 2, 0]);
  // A bfloat16 element is two bytes: read from an int8 column it would take twice the
  // column's bytes (memory beyond it); from an int32 column, half of each value.
  assert.throws(() => tensorFromArrow(foreign(ext, 4, new Int8(), new Int8Array(4))), /uint16/);
  assert.throws(() => tensorFromArrow(foreign(ext, 4, new Int32(), new Int32Array(4))), /uint16/);
  // A column whose buffer holds fewer values than its rows claim.
  const plain = new Map([...ext].filter(([k]) => k !== 'memlayer:dtype'));
  assert.throws(
    () => tensorFromArrow(foreign(plain, 4, new Float32(), new Float32Array(2))),
    /fewer values|not an Arrow IPC stream/,
  );
});
