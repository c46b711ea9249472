// A poll tells the server which data it already has (the data_id of the last whole frame),
// and the server leaves out of the frame what stays the same with that data: the labels, the
// heatmap's axes, the input plane's points and grid, the palette. It marks each such place
// {"$known": true}; this puts back what the last whole frame had there.

export function withKnownQuery(query, lastFrame) {
  if (lastFrame) query.set("known", lastFrame.data_id);
  return query;
}

// The frame, made whole again from lastFrame. A marker with nothing to put back would be a
// server bug, and a frame with holes would break every panel: better to say so.
/** @param {import("./frame_types.js").Frame} frame @param {import("./frame_types.js").Frame} lastFrame */
export function restoreKnown(frame, lastFrame) {
  return restore(frame, lastFrame, "frame");
}

function restore(value, previous, path) {
  if (value === null || typeof value !== "object" || ArrayBuffer.isView(value)) return value;
  if (value.$known === true) {
    if (previous === undefined) throw new Error(`the server left out ${path}, which this page does not have`);
    return previous;
  }
  // A list of numbers (null for a gap) or of typed rows (a heatmap's) holds no marker; walking
  // its every item made this a few percent of the page's time.
  if (Array.isArray(value) && (value[0] === null || typeof value[0] !== "object" || ArrayBuffer.isView(value[0]))) return value;
  for (const key of Object.keys(value)) {
    value[key] = restore(value[key], previous == null ? undefined : previous[key], `${path}.${key}`);
  }
  return value;
}
