// Numbers as a beginner reads them: plain decimals (0.13, not 1.3e-1), with at least two
// significant digits, in one rule for everywhere the training loop shows a number.

const GROUPED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const SUPERSCRIPT = { "-": "⁻", 0: "⁰", 1: "¹", 2: "²", 3: "³", 4: "⁴", 5: "⁵", 6: "⁶", 7: "⁷", 8: "⁸", 9: "⁹" };

// 2.3 × 10⁻¹⁶, as written in a textbook (and in the lessons), not 2.3e-16.
function powerOfTen(value) {
  const [mantissa, exponent] = value.toExponential(1).split("e");
  const power = String(Number(exponent)).replace(/./g, (c) => SUPERSCRIPT[c]);
  return `${mantissa} × 10${power}`;
}

/**
 * A number as a plain decimal: 12,345 · 123 · 12.3 · 0.187 · 0.013 · 0.0042 · 0.0000012. Past
 * those ends, where a plain decimal would be a row of zeros (a vanishing gradient, a run that
 * is blowing up), in powers of ten: 2.3 × 10⁻¹⁶; an infinite one as ∞; "–" for none.
 * @param {number|null|undefined} value
 */
export function plain(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const size = Math.abs(value);
  if (size === 0) return "0";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  if (size >= 1e9 || size < 1e-6) return powerOfTen(value);
  if (size >= 1000) return GROUPED.format(value);
  if (size >= 100) return value.toFixed(0);
  if (size >= 10) return value.toFixed(1);
  if (size >= 0.01) return value.toFixed(3);
  return value.toPrecision(2);  // no exponent from 1e-6 up
}
