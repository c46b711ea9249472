// Reads a packed frame (app/pictures/encoding.py describes the layout) into the same object its JSON
// would give: plain arrays, null for the gaps between lines, bytes scaled back to numbers.

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

function numbers(ref, buffer, blocks) {
  const count = ref.shape.reduce((a, b) => a * b, 1);
  if (ref.$array === "f32") {
    const floats = new Float32Array(buffer, blocks.floats + ref.offset, count);
    return Array.from(floats, (v) => (Number.isNaN(v) ? null : v));
  }
  const start = blocks.others + ref.offset;
  if (ref.$array === "i32") return Array.from(new Int32Array(buffer, start, count));
  const bytes = new Uint8Array(buffer, start, count);
  if (ref.$array === "bool") return Array.from(bytes, (b) => b !== 0);
  if (ref.low === undefined) return Array.from(bytes);
  const scale = (ref.high - ref.low) / 255;
  return Array.from(bytes, (b) => ref.low + b * scale);
}

// Nested arrays by the shape (a heatmap's z, a weight matrix), as JSON gives them; no
// dimensions at all is a single number.
function shaped(flat, shape) {
  if (shape.length === 0) return flat[0];
  if (shape.length === 1) return flat;
  const [rows, ...rest] = shape;
  const size = flat.length / rows;
  return Array.from({ length: rows }, (_, i) => shaped(flat.slice(i * size, (i + 1) * size), rest));
}
