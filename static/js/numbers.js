// Numbers as a beginner reads them: plain decimals (0.13, not 1.3e-1), with at least two
// significant digits, in one rule for everywhere the training loop shows a number.

const GROUPED = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });

/**
 * A number as a plain decimal: 12,345 · 123 · 12.3 · 0.187 · 0.013 · 0.0042 · 0.0000012; a
 * value smaller than a millionth as "< 0.000001", one past a billion (only a run that is
 * blowing up) in powers of ten, an infinite one as ∞; "–" for none.
 * @param {number|null|undefined} value
 */
export function plain(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  const size = Math.abs(value);
  if (size === 0) return "0";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  if (size >= 1e9) return value.toExponential(1);
  if (size >= 1000) return GROUPED.format(value);
  if (size >= 100) return value.toFixed(0);
  if (size >= 10) return value.toFixed(1);
  if (size >= 0.01) return value.toFixed(3);
  if (size >= 1e-6) return value.toPrecision(2);  // no exponent from 1e-6 up
  return value > 0 ? "< 0.000001" : "> -0.000001";
}
