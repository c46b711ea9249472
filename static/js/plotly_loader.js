// Plotly.js, loaded once the page's first picture is on screen. Its 4.8 MB take the main thread
// more than a second to run, and a classic <script> would hold everything else back until then:
// the page draws its first frame without it (plain_axes.js places the canvas overlays), lets the
// learner train, and hands every plot to Plotly when it has run.
//
// The template names the file in a <link rel="preload" id="plotly-js">, so the browser fetches
// it alongside the page's modules; loadPlotly() adds the <script> that runs it. Modules that
// need Plotly wait for `plotlyReady` (or ask plotlyLoaded() and draw without it).

let resolveReady;
/** Resolves with window.Plotly once the script has run. */
export const plotlyReady = new Promise((resolve) => { resolveReady = resolve; });
let loading = null;

export function plotlyLoaded() {
  return typeof window.Plotly !== "undefined";
}

/** Run Plotly.js (at most once); resolves as plotlyReady does, rejects if the script fails. */
export function loadPlotly() {
  loading ??= new Promise((resolve, reject) => {
    if (plotlyLoaded()) {  // already there (e.g. a page that loads it by a <script> of its own)
      resolve();
      return;
    }
    const script = document.createElement("script");
    script.src = document.getElementById("plotly-js").href;
    script.addEventListener("load", () => resolve());
    script.addEventListener("error", () => reject(new Error(`${script.src} did not load`)));
    document.head.append(script);
  }).then(() => {
    resolveReady(window.Plotly);
    return window.Plotly;
  });
  return loading;
}

/** Calls `action` after the browser has painted what is on the page now: a long task started
 * then (running Plotly) cannot hold back the picture just drawn. */
export function afterPaint(action) {
  requestAnimationFrame(() => setTimeout(action, 0));
}
