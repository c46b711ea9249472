// For a panel of three or more units: how to show it (principal components in 2D or 3D, or
// neurons picked by hand). Changes go to the server, which builds the views.

import { phrase, t } from "./i18n.js";

// Each choice's words are "projection.<value>".
const CHOICES = [
  { value: "pca2", body: { projection: "pca", dims: 2 } },
  { value: "pca3", body: { projection: "pca", dims: 3 } },
  { value: "n2", body: { projection: "neurons", dims: 2 } },
  { value: "n3", body: { projection: "neurons", dims: 3 } },
];

/** @param {import("./frame_types.js").LayerView} layer */
function currentChoice(layer) {
  const picked = layer.view === "neurons";
  return `${picked ? "n" : "pca"}${layer.dims}`;
}

// The neurons now shown, read back from the axis titles (neuron 4 -> 3).
/** @param {import("./frame_types.js").LayerView} layer */
function currentNeurons(layer) {
  if (layer.view !== "neurons") return [0, 1, 2];
  return layer.axes.map((axis) => axis.vars.n - 1);
}

/** @param {import("./frame_types.js").LayerView} layer */
export function projectionControl(layer, onChange) {
  const box = document.createElement("div");
  box.className = "projection";
  const select = document.createElement("select");
  const name = phrase(layer.name);
  select.setAttribute("aria-label", t("projection.label", { layer: name }));
  for (const choice of CHOICES) {
    const option = document.createElement("option");
    option.value = choice.value;
    option.textContent = t(`projection.${choice.value}`);
    select.append(option);
  }
  select.value = currentChoice(layer);
  const pickers = document.createElement("span");
  pickers.className = "neuron-pickers";
  const neurons = currentNeurons(layer);

  const send = () => {
    const choice = CHOICES.find((c) => c.value === select.value);
    const body = { layer: layer.index, ...choice.body };
    if (body.projection === "neurons") body.neurons = neurons.slice(0, body.dims);
    onChange(body);
  };
  const showPickers = () => {
    const choice = CHOICES.find((c) => c.value === select.value).body;
    const count = choice.projection === "neurons" ? choice.dims : 0;
    pickers.replaceChildren(...Array.from({ length: count }, (_, k) => {
      const pick = document.createElement("select");
      pick.setAttribute("aria-label", t("projection.axis", { layer: name, k: k + 1 }));
      for (let n = 0; n < layer.units; n++) {
        const option = document.createElement("option");
        option.value = String(n);
        option.textContent = t("axis.neuron", { n: n + 1 });
        pick.append(option);
      }
      pick.value = String(neurons[k] ?? k);
      pick.addEventListener("change", () => { neurons[k] = Number(pick.value); send(); });
      return pick;
    }));
  };
  select.addEventListener("change", () => { showPickers(); send(); });
  showPickers();
  box.append(select, pickers);
  return box;
}
