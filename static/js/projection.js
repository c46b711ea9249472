// For a panel of three or more units: how to show it (principal components in 2D or 3D, or
// neurons picked by hand). Changes go to the server, which builds the views.

const CHOICES = [
  { value: "pca2", label: "principal components, 2D", body: { projection: "pca", dims: 2 } },
  { value: "pca3", label: "principal components, 3D", body: { projection: "pca", dims: 3 } },
  { value: "n2", label: "two neurons of my choice", body: { projection: "neurons", dims: 2 } },
  { value: "n3", label: "three neurons of my choice, 3D", body: { projection: "neurons", dims: 3 } },
];

function currentChoice(layer) {
  const picked = layer.view === "neurons";
  return `${picked ? "n" : "pca"}${layer.dims}`;
}

// The neurons now shown, read back from the axis titles ("neuron 4" -> 3).
function currentNeurons(layer) {
  if (layer.view !== "neurons") return [0, 1, 2];
  return layer.axes.map((title) => Number(title.replace(/\D+/g, "")) - 1);
}

export function projectionControl(layer, onChange) {
  const box = document.createElement("div");
  box.className = "projection";
  const select = document.createElement("select");
  select.setAttribute("aria-label", `${layer.name}: how to show it`);
  for (const choice of CHOICES) {
    const option = document.createElement("option");
    option.value = choice.value;
    option.textContent = choice.label;
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
      pick.setAttribute("aria-label", `${layer.name}: axis ${k + 1} neuron`);
      for (let n = 0; n < layer.units; n++) {
        const option = document.createElement("option");
        option.value = String(n);
        option.textContent = `neuron ${n + 1}`;
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
