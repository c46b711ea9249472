// A Plotly plot with a canvas overlay (overlay.js): which traces go to which, its config, and
// redrawing its Plotly part only when that part has changed. Until Plotly.js has loaded, the
// plot's axes are drawn plainly (plain_axes.js) and its Plotly traces wait.

import { drawPlainAxes, removePlainAxes } from "./plain_axes.js";
import { REMOVED_BUTTONS, plotConfig } from "./plot_config.js";
import { plotlyLoaded } from "./plotly_loader.js";
import { SAVE_BUTTON } from "./snapshot.js";

// Its camera button saves the overlay's points and lines too.
export function overlaidConfig(changes = {}) {
  return plotConfig({ modeBarButtonsToRemove: [...REMOVED_BUTTONS, "toImage"], modeBarButtonsToAdd: [SAVE_BUTTON], ...changes });
}

// Lines and points go on a plot's canvas overlay; anything else (heatmap, text) to Plotly.
export function split(traces) {
  const drawn = (trace) => trace.mode === "lines" || trace.mode === "markers";
  return { plotted: traces.filter((trace) => !drawn(trace)), drawn: traces.filter(drawn) };
}

// Plotly redraws a whole plot, axes and all, on any react. A panel whose Plotly part is the
// same as last time (its moving parts are on the overlay), in the same language, skips it.
// `same` is what that part is judged by: all of it unless the caller knows better.
// The first time Plotly draws a plot drawn plainly before, its plain axes go, and the caller
// repaints the overlay at once (a promise's callbacks run before the browser paints again).
export function reactIfChanged(element, traces, layout, config, same = [traces, layout]) {
  if (!plotlyLoaded()) {
    drawPlainAxes(element, layout);
    return Promise.resolve(element);
  }
  const key = JSON.stringify([...same, config.locale]);
  if (element.plottedKey === key) return Promise.resolve(element);
  return Plotly.react(element, traces, layout, config).then(() => {
    element.plottedKey = key;
    removePlainAxes(element);
    return element;
  });
}
