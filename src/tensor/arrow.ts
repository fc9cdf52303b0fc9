/**
 * Tensors <-> Arrow IPC streams with the canonical `arrow.fixed_shape_tensor` extension:
 * one column of FixedSizeList<value>[∏shape], one row per tensor, field metadata
 * `ARROW:extension:name` / `ARROW:extension:metadata` = {"shape":[...]} (row-major). arrow-js
 * has no extension classes but keeps field metadata, so any Arrow reader sees the extension.
 *
 * dtype mapping: float16 -> Float16 (same bits); bool -> Bool (Arrow packs bits, so this one
 * is converted both ways); bfloat16 has no Arrow type: it travels as Uint16 bits with field
 * metadata `memlayer:dtype` = `bfloat16`, which memlayer reads back (other readers see uint16).
 *
 * Zero-copy: writing wraps the element buffer in Arrow Data without copying (the IPC writer
 * then serialises it once); reading returns tensors whose buffers are views into the IPC
 * bytes when they are aligned (arrow-js aligns bodies to 8), copies otherwise.
 */
import {
  Bool,
  type DataType,
  Field,
  FixedSizeList,
  Float16,
  Float32,
  Float64,
  type Int,
  Int16,
  Int32,
  Int64,
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
  Uint32,
  Uint64,
  Uint8,
} from 'apache-arrow';
import { DTYPES, type DType } from './dtype.js';
import { checkShape } from './shape.js';
import { viewOf } from './kernels/views.js';
import { allocElements, elementCount, sameShape, Tensor } from './tensor.js';

export const EXTENSION_NAME = 'arrow.fixed_shape_tensor';
export const ARROW_STREAM_TYPE = 'application/vnd.apache.arrow.stream';
const DTYPE_KEY = 'memlayer:dtype';

function arrowType(dtype: DType): DataType {
  switch (dtype) {
    case 'float16':
      return new Float16();
    case 'bfloat16':
    case 'uint16':
      return new Uint16();
    case 'float32':
      return new Float32();
    case 'float64':
      return new Float64();
    case 'int8':
      return new Int8();
    case 'int16':
      return new Int16();
    case 'int32':
      return new Int32();
    case 'int64':
      return new Int64();
    case 'uint8':
      return new Uint8();
    case 'uint32':
      return new Uint32();
    case 'uint64':
      return new Uint64();
    case 'bool':
      return new Bool();
  }
}

/** The memlayer dtype of an Arrow value type, or undefined if it has none. */
function dtypeOfArrow(type: DataType, declared: string | undefined): DType | undefined {
  if (declared === 'bfloat16') {
    // Written as uint16 (two bytes an element); any other column would be read at the
    // wrong width, past its end for int8.
    const int = type as Int;
    if (type.typeId === Type.Int && !int.isSigned && int.bitWidth === 16) return 'bfloat16';
    throw new ArrowTensorError(
      `memlayer:dtype bfloat16 needs a uint16 column, not ${String(type)}`,
    );
  }
  if (type.typeId === Type.Bool) return 'bool';
  if (type.typeId === Type.Float) {
    const precision = (type as Float16 | Float32 | Float64).precision;
    return precision === 0 ? 'float16' : precision === 1 ? 'float32' : 'float64';
  }
  if (type.typeId === Type.Int) {
    const int = type as Int8;
    const name = `${int.isSigned ? 'int' : 'uint'}${int.bitWidth}`;
    return name in DTYPES ? (name as DType) : undefined;
  }
  return undefined;
}

function packBits(bytes: Uint8Array): Uint8Array {
  const bits = new Uint8Array(Math.ceil(bytes.length / 8));
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== 0) bits[i >> 3] = (bits[i >> 3] ?? 0) | (1 << (i & 7));
  }
  return bits;
}

function unpackBits(bits: Uint8Array, offset: number, count: number): Buffer {
  const bytes = Buffer.alloc(count);
  for (let i = 0; i < count; i++) {
    const at = offset + i;
    bytes[i] = ((bits[at >> 3] ?? 0) >> (at & 7)) & 1;
  }
  return bytes;
}

/** One Arrow IPC stream holding `tensors` (at least one, all of one dtype and shape) as rows. */
export function tensorsToArrow(tensors: readonly Tensor[]): Uint8Array {
  const first = tensors[0];
  if (first === undefined) throw new Error('tensorsToArrow: no tensors');
  const { dtype, shape } = first;
  const count = first.length;
  const bytes = tensors.length === 1 ? first.data : concatAligned(tensors);
  const valueType = arrowType(dtype);
  const values = dtype === 'bool' ? packBits(bytes) : viewOf(dtype, bytes);
  const child = makeData({
    type: valueType,
    length: count * tensors.length,
    nullCount: 0,
    data: values,
  } as never);
  const listType = new FixedSizeList(count, new Field('item', valueType, false));
  const list = makeData({ type: listType, length: tensors.length, nullCount: 0, child });
  const metadata = new Map<string, string>([
    ['ARROW:extension:name', EXTENSION_NAME],
    ['ARROW:extension:metadata', JSON.stringify({ shape })],
  ]);
  if (dtype === 'bfloat16') metadata.set(DTYPE_KEY, 'bfloat16');
  const schema = new Schema([new Field('tensor', listType, false, metadata)]);
  const struct = makeData({
    type: new Struct(schema.fields),
    length: tensors.length,
    nullCount: 0,
    children: [list],
  });
  return tableToIPC(new Table([new RecordBatch(schema, struct)]), 'stream');
}

/** The batch's element bytes, end to end, in one aligned buffer (the one copy a batch needs). */
function concatAligned(tensors: readonly Tensor[]): Buffer {
  const out = allocElements(tensors.reduce((sum, t) => sum + t.byteLength, 0));
  let at = 0;
  for (const tensor of tensors) {
    out.set(tensor.data, at);
    at += tensor.byteLength;
  }
  return out;
}

export function tensorToArrow(tensor: Tensor): Uint8Array {
  return tensorsToArrow([tensor]);
}

/** Why an Arrow payload was refused (surfaced as `ERR ...` / HTTP 400). */
export class ArrowTensorError extends Error {
  override readonly name = 'ArrowTensorError';
}

function parseShape(field: Field): number[] {
  const meta = field.metadata;
  if (meta.get('ARROW:extension:name') !== EXTENSION_NAME) {
    throw new ArrowTensorError(`column is not an ${EXTENSION_NAME} extension column`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(meta.get('ARROW:extension:metadata') ?? '');
  } catch {
    throw new ArrowTensorError('extension metadata is not JSON');
  }
  const record = parsed as { shape?: unknown; permutation?: unknown };
  const shape = record.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && (d as number) > 0)) {
    throw new ArrowTensorError('extension metadata needs a shape of positive integers');
  }
  const permutation = record.permutation;
  if (Array.isArray(permutation) && permutation.some((p, i) => p !== i)) {
    throw new ArrowTensorError('permuted (non row-major) tensors are not supported');
  }
  return shape as number[];
}

/** Every tensor (row) of every record batch in an Arrow IPC stream or file. */
export function tensorsFromArrow(bytes: Uint8Array): Tensor[] {
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    throw new ArrowTensorError(`not an Arrow IPC stream: ${(error as Error).message}`);
  }
  const field = table.schema.fields[0];
  if (field === undefined || table.schema.fields.length !== 1) {
    throw new ArrowTensorError('expected exactly one tensor column');
  }
  const shape = parseShape(field);
  const listType = field.type as DataType;
  if (listType.typeId !== Type.FixedSizeList)
    throw new ArrowTensorError('column is not a FixedSizeList');
  const valueType = (listType as FixedSizeList).children[0]?.type as DataType;
  const dtype = dtypeOfArrow(valueType, field.metadata.get(DTYPE_KEY));
  if (dtype === undefined)
    throw new ArrowTensorError(`unsupported Arrow value type ${String(valueType)}`);
  const problem = checkShape(dtype, shape);
  if (problem !== undefined) throw new ArrowTensorError(problem.text.replace(/^ERR /, ''));
  const count = elementCount(shape);
  if ((listType as FixedSizeList).listSize !== count) {
    throw new ArrowTensorError('list size does not match the shape');
  }
  const out: Tensor[] = [];
  for (const batch of table.batches) {
    const list = batch.data.children[0];
    const child = list?.children[0];
    if (list === undefined || child === undefined) throw new ArrowTensorError('empty column');
    if (list.nullCount > 0 || child.nullCount > 0)
      throw new ArrowTensorError('null tensors or elements');
    for (let row = 0; row < list.length; row++) {
      const first = (list.offset + row) * count + child.offset;
      out.push(rowTensor(dtype, shape, child.values as Uint8Array, first, count));
    }
  }
  return out;
}

function rowTensor(
  dtype: DType,
  shape: number[],
  values: ArrayBufferView,
  first: number,
  count: number,
): Tensor {
  // The IPC stream states lengths and buffers separately: never read past the buffer.
  const width = DTYPES[dtype].bytes;
  const bytesNeeded = dtype === 'bool' ? Math.ceil((first + count) / 8) : (first + count) * width;
  if (bytesNeeded > values.byteLength)
    throw new ArrowTensorError('the column holds fewer values than its rows claim');
  if (dtype === 'bool')
    return Tensor.of(dtype, shape, unpackBits(values as Uint8Array, first, count));
  const start = values.byteOffset + first * width;
  return Tensor.of(dtype, shape, Buffer.from(values.buffer, start, count * width));
}

/** The single tensor of a one-row stream. */
export function tensorFromArrow(bytes: Uint8Array): Tensor {
  const tensors = tensorsFromArrow(bytes);
  const first = tensors[0];
  if (tensors.length !== 1 || first === undefined) {
    throw new ArrowTensorError(`expected one tensor, got ${tensors.length}`);
  }
  return first;
}

export function sameLayoutAll(tensors: readonly Tensor[]): boolean {
  const first = tensors[0];
  return (
    first !== undefined &&
    tensors.every((t) => t.dtype === first.dtype && sameShape(t.shape, first.shape))
  );
}
