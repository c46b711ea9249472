// The Plotly config every plot on the page uses (plots.js, the Compare view's compare.js): which
// mode-bar buttons it shows.

// Box and lasso selection select nothing here; autoscale would undo the panels' steady ranges.
export const REMOVED_BUTTONS = ["lasso2d", "select2d", "autoScale2d"];

// plotly.js 4 shows a "Share chart..." button by default, which uploads the plot to Plotly's
// cloud: this page works offline and sends nothing anywhere, so it is left out.
export function plotConfig(changes = {}) {
  return { displaylogo: false, responsive: true, showSendToCloud: false, modeBarButtonsToRemove: REMOVED_BUTTONS, ...changes };
}
