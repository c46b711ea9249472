// The plots' text size. Plotly draws its text itself (SVG, and WebGL in 3D), out of reach of the
// page's stylesheet, so "large text (projector)" enlarges it here: every plot's layout takes its
// fonts and margins from textLayout(), and the page draws its plots again when the choice changes.

const LARGE = 1.4;  // more than the page's own 125%: the plots' text starts smaller
const HOVER_SIZE = 13;  // Plotly's own size for hover labels

function scale() {
  return document.body.classList.contains("large-text") ? LARGE : 1;
}

// The page's own font list (style.css), Korean fonts included: Plotly's default names none.
let family;

function font(size) {
  family ??= getComputedStyle(document.documentElement).fontFamily || "sans-serif";
  return { family, size: Math.round(size * scale()) };
}

// A touch screen with no hover: a finger on a flat plot must scroll the page (the plots are
// most of a phone's screen) and a tap must click, not start a zoom box (which takes the touch).
const TOUCH_ONLY = window.matchMedia("(hover: none)").matches;

// A layout's text: axis titles, tick labels and legend of `size` pixels (2D and 3D axes take
// theirs from layout.font), hover labels (a font of their own), and the margins they sit in,
// grown with them: Plotly keeps an axis title inside its margin, over the tick labels if need be.
// Every plot's layout starts with it, so it also says how a touch screen drags a flat plot.
export function textLayout(size, margin) {
  const grown = Object.fromEntries(Object.entries(margin).map(([side, px]) => [side, Math.round(px * scale())]));
  const layout = { font: font(size), hoverlabel: { font: font(HOVER_SIZE) }, margin: grown };
  if (TOUCH_ONLY) layout.dragmode = false;
  return layout;
}

// The size of text Plotly draws as a trace (mode "text").
export function textSize(size) {
  return font(size).size;
}

// Large text on or off: the page's (style.css) at once, the plots' when next drawn. The page's
// columns change width with it, which Plotly's "responsive" (a window resize listener) does not
// notice: every plot is fitted to its box again.
export function setLargeText(on) {
  document.body.classList.toggle("large-text", on);
  for (const plot of document.querySelectorAll(".js-plotly-plot")) Plotly.Plots.resize(plot);
}
