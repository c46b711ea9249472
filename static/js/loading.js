// The page as loading until it works. Until main.js marks the body ready (data-ready="true":
// the session made, the first frame drawn, its controls wired; Plotly.js may come later),
// whatever is marked data-until-ready in the page stays disabled (a <fieldset disabled> disables
// every control inside it) or busy, and the stylesheet shows "Loading…" (in the remembered
// language once language.js has run): no button looks live while doing nothing.

function ready() {
  for (const element of document.querySelectorAll("[data-until-ready]")) {
    element.removeAttribute("disabled");
    element.removeAttribute("aria-busy");
    element.removeAttribute("data-until-ready");
  }
}

const body = document.body;
if (body.dataset.ready === "true") {
  ready();
} else {
  const watch = new MutationObserver(() => {
    if (body.dataset.ready !== "true") return;
    watch.disconnect();
    ready();
  });
  watch.observe(body, { attributes: true, attributeFilter: ["data-ready"] });
}
