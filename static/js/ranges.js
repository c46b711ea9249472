// Axis ranges that stay put while the data moves a little, so panels do not jitter: a range
// grows when the data leaves it and shrinks only when the data fills less than half of it.

const PAD = 0.08;
// A range that grows to just fit is outgrown again by the next frame while the network's
// weights grow, and every new range makes Plotly redraw the panel's axes: so it grows with
// room to spare on the side the data left by.
const ROOM = 0.25;

export class StableRange {
  constructor() { this.range = null; }

  reset() { this.range = null; }

  // The range for these lists of values (plain or typed arrays; null and NaN are gaps and
  // count for nothing), taken together.
  fit(...lists) {
    let low = Infinity;
    let high = -Infinity;
    for (const values of lists) {
      for (const v of values) {
        if (v === null || Number.isNaN(v)) continue;
        if (v < low) low = v;
        if (v > high) high = v;
      }
    }
    if (!Number.isFinite(low)) return this.range ?? [-1, 1];
    const span = Math.max(high - low, 1e-3);
    const target = [low - PAD * span, high + PAD * span];
    const r = this.range;
    if (!r) this.range = target;
    else if (low < r[0] || high > r[1]) {
      const room = ROOM * span;
      this.range = [low < r[0] ? target[0] - room : r[0], high > r[1] ? target[1] + room : r[1]];
    }
    else if (span < 0.5 * (r[1] - r[0])) this.range = target;
    return this.range;
  }
}
