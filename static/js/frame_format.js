// Reads a packed frame (app/pictures/encoding.py describes the layout) into the object its JSON
// would give, with typed arrays where the JSON has lists of numbers: the arrays are views into
// the received buffer, not copies. Float arrays are Float32Arrays with NaN for the gaps between
// lines (JSON's null); bytes are Uint8Arrays, and quantized bytes one Float32Array of the values
// they stand for; integers Int32Arrays; flags Uint8Arrays of 0 and 1. An array of two or more
// dimensions is an Array of row views. Everything that draws a frame reads NaN (or null, from
// JSON) as a gap, and never maps a typed array to anything but numbers.

export const PACKED_TYPE = "application/x-layerscope-frame";

export function unpackFrame(buffer) {
  const view = new DataView(buffer);
  const length = view.getUint32(0, true);
  const floatBytes = view.getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 8, length)));
  const blocks = { floats: 8 + length, others: 8 + length + floatBytes };
  return revive(header, buffer, blocks);
}

function revive(value, buffer, blocks) {
  if (Array.isArray(value)) return value.map((item) => revive(item, buffer, blocks));
  if (value === null || typeof value !== "object") return value;
  if (value.$array) return shaped(numbers(value, buffer, blocks), value.shape);
  const out = {};
  for (const key of Object.keys(value)) out[key] = revive(value[key], buffer, blocks);
  return out;
}

// The array's values as one typed array: a view into the buffer where the bytes are the values
// (every block is 4-byte aligned), a new Float32Array where bytes stand for scaled values.
function numbers(ref, buffer, blocks) {
  const count = ref.shape.reduce((a, b) => a * b, 1);
  if (ref.$array === "f32") return new Float32Array(buffer, blocks.floats + ref.offset, count);
  const start = blocks.others + ref.offset;
  if (ref.$array === "i32") return new Int32Array(buffer, start, count);
  const bytes = new Uint8Array(buffer, start, count);
  if (ref.$array === "bool" || ref.low === undefined) return bytes;
  const scale = (ref.high - ref.low) / 255;
  return Float32Array.from(bytes, (b) => ref.low + b * scale);
}

// Rows by the shape (a heatmap's z, a weight matrix), as row views of the flat array; no
// dimensions at all is a single number.
function shaped(flat, shape) {
  if (shape.length === 0) return flat[0];
  if (shape.length === 1) return flat;
  const [rows, ...rest] = shape;
  const size = rows ? flat.length / rows : 0;
  return Array.from({ length: rows }, (_, i) => shaped(flat.subarray(i * size, (i + 1) * size), rest));
}
