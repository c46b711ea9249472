// The Plotly config every plot on the page uses (plots.js, the Compare view's compare.js): which
// mode-bar buttons it shows, and in which language Plotly writes its own words.

import { language, register } from "./i18n.js";
import { plotlyReady } from "./plotly_loader.js";
import strings from "./strings/plotly.js";

register(strings);
// Plotly looks each of its words up by its English text in the plot's locale's dictionary.
// Registered as soon as Plotly has run: before anything is drawn with it, as this callback was
// the first to wait for it.
plotlyReady.then((Plotly) => Plotly.register({
  moduleType: "locale",
  name: "ko",
  dictionary: Object.fromEntries(Object.entries(strings.en).map(([key, english]) => [english, strings.ko[key]])),
}));

// Box and lasso selection have nothing to select here, and Autoscale would fit only what Plotly
// itself draws (the points and lines are on a canvas overlay); Reset axes stays.
export const REMOVED_BUTTONS = ["lasso2d", "select2d", "autoScale2d"];

// plotly.js 4 shows a "Share chart..." button by default, which uploads the plot to Plotly's
// cloud: this page works offline and sends nothing anywhere, so it is left out. A plot drawn
// after a change of language gets the new locale, and Plotly then rebuilds its mode bar.
export function plotConfig(changes = {}) {
  return {
    displaylogo: false, responsive: true, showSendToCloud: false, modeBarButtonsToRemove: REMOVED_BUTTONS, locale: language(), ...changes,
  };
}
