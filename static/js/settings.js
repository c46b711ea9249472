// The settings form: fills the controls from the server's options, shows the page's copy of the
// settings (state.js) whenever it changes, and reports what the learner changes through one
// callback, as the settings changed ({name: value}).

import { t } from "./i18n.js";

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const BATCH_SIZES = [1, 5, 10, 20, 50, 100];
const STEPS_PER_FRAME = [1, 2, 5, 10, 20, 50, 100, 200];
const REGULARIZATION_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];

const $ = (id) => document.getElementById(id);

function fillSelect(select, choices) {
  select.replaceChildren(...choices.map(({ value, label }) => {
    const option = document.createElement("option");
    option.value = String(value);
    option.textContent = label;
    return option;
  }));
}

// The page's own name for a choice the server offers (its label is the fallback).
function named(kind, choices) {
  return choices.map(({ value, label }) => {
    const key = `option.${kind}.${value}`;
    const text = t(key);
    return { value, label: text === key ? label : text };
  });
}

function withValue(list, value) {
  // Keep a value the list lacks (e.g. typed into the API) selectable.
  return value === null || list.includes(value) ? list : [...list, value].sort((a, b) => a - b);
}

export class Settings {
  // state: the page's ConfigState. onChange(changes) is called when the learner changes some.
  constructor(options, state, onChange) {
    this.limits = options.limits;
    this.state = state;
    this.onChange = onChange;
    // binary, multiclass or regression, by dataset: the class count matters only for multiclass.
    this.problems = Object.fromEntries(options.choices.dataset.map((d) => [d.value, d.problem]));
    this.choices = options.choices;
    const { min, max } = this.limits.classes;
    fillSelect($("classes"), Array.from({ length: max - min + 1 }, (_, k) => ({ value: min + k, label: String(min + k) })));
    this.fillChoices();
    for (const name of ["momentum", "beta1", "beta2"]) {
      $(name).min = this.limits[name].min;
      $(name).max = this.limits[name].max;
    }
    this.buildFeatureBoxes(options.choices.features);
    for (const name of ["n_points", "noise", "test_fraction"]) {
      $(name).min = this.limits[name].min;
      $(name).max = this.limits[name].max;
    }
    $("seed").min = this.limits.seed.min;
    $("seed").max = this.limits.seed.max;
    this.bind();
    this.show();
    state.onChange(() => this.show());
  }

  // The named choices, in the current language.
  fillChoices() {
    for (const kind of ["dataset", "activation", "initialization", "optimizer", "regularization"]) {
      fillSelect($(kind), named(kind, this.choices[kind]));
    }
  }

  // After a change of language: the choices renamed, the form shown again with its values.
  translate() {
    this.fillChoices();
    this.show();
  }

  bind() {
    for (const name of ["dataset", "activation", "initialization", "optimizer", "regularization"]) {
      $(name).addEventListener("change", () => this.onChange({ [name]: $(name).value }));
    }
    for (const name of ["momentum", "beta1", "beta2"]) {
      $(name).addEventListener("change", () => {
        const value = Number($(name).value);
        const { min, max } = this.limits[name];
        if (Number.isFinite(value)) this.onChange({ [name]: Math.min(Math.max(value, min), max) });
      });
    }
    for (const name of ["learning_rate", "steps_per_frame", "regularization_rate", "classes"]) {
      $(name).addEventListener("change", () => this.onChange({ [name]: Number($(name).value) }));
    }
    $("batch_size").addEventListener("change", () => {
      const value = $("batch_size").value;
      this.onChange({ batch_size: value === "full" ? null : Number(value) });
    });
    for (const name of ["n_points", "noise", "test_fraction"]) {
      $(name).addEventListener("input", () => { $(`${name}-value`).textContent = this.format(name, Number($(name).value)); });
      $(name).addEventListener("change", () => this.onChange({ [name]: Number($(name).value) }));
    }
    $("seed").addEventListener("change", () => {
      const seed = Math.trunc(Number($("seed").value));
      if (Number.isFinite(seed)) this.onChange({ seed: Math.min(Math.max(seed, this.limits.seed.min), this.limits.seed.max) });
    });
    $("new-seed").addEventListener("click", () => this.onChange({ seed: Math.floor(Math.random() * 100000) }));
    $("add-layer").addEventListener("click", () => this.resizeNetwork(+1));
    $("remove-layer").addEventListener("click", () => this.resizeNetwork(-1));
  }

  buildFeatureBoxes(choices) {
    $("features").replaceChildren(...choices.map(({ value, label }) => {
      const box = document.createElement("input");
      box.type = "checkbox";
      box.value = value;
      box.addEventListener("change", () => this.toggleFeature(value, box.checked));
      const wrapper = document.createElement("label");
      wrapper.append(box, label);
      return wrapper;
    }));
  }

  toggleFeature(name, on) {
    const order = [...$("features").querySelectorAll("input")].map((box) => box.value);
    const chosen = new Set(this.state.shown.features);
    if (on) chosen.add(name);
    else if (chosen.size > 1) chosen.delete(name);  // the network needs at least one input
    this.onChange({ features: order.filter((f) => chosen.has(f)) });
  }

  resizeNetwork(delta) {
    const layers = this.state.shown.hidden_layers;
    const { max } = this.limits.hidden_layers;
    if (delta > 0 && layers.length < max) layers.push(layers.at(-1) ?? 4);
    if (delta < 0 && layers.length > 0) layers.pop();
    this.onChange({ hidden_layers: layers });
  }

  resizeLayer(index, delta) {
    const layers = this.state.shown.hidden_layers;
    const { min, max } = this.limits.neurons;
    layers[index] = Math.min(Math.max(layers[index] + delta, min), max);
    this.onChange({ hidden_layers: layers });
  }

  format(name, value) {
    return name === "n_points" ? String(value) : name === "test_fraction" ? `${Math.round(value * 100)}%` : value.toFixed(2);
  }

  show() {
    const c = this.state.shown;
    $("dataset").value = c.dataset;
    $("classes").value = String(c.classes);
    $("classes-row").hidden = this.problems[c.dataset] !== "multiclass";
    // Points clicked in are class A or B: other problems keep their generated data.
    const twoClass = this.problems[c.dataset] === "binary";
    $("own-points-off").hidden = twoClass;
    for (const input of $("own-points-edit").querySelectorAll("input")) input.disabled = !twoClass;
    $("clear-points").disabled = !twoClass;
    $("activation").value = c.activation;
    $("initialization").value = c.initialization;
    $("optimizer").value = c.optimizer;
    $("regularization").value = c.regularization;
    for (const name of ["momentum", "beta1", "beta2"]) $(name).value = c[name];
    $("momentum-row").hidden = c.optimizer !== "momentum";
    $("adam-row").hidden = c.optimizer !== "adam";
    fillSelect($("regularization_rate"), withValue(REGULARIZATION_RATES, c.regularization_rate).map((v) => ({ value: v, label: String(v) })));
    $("regularization_rate").value = String(c.regularization_rate);
    $("regularization_rate").disabled = c.regularization === "none";
    for (const name of ["n_points", "noise", "test_fraction"]) {
      $(name).value = c[name];
      $(`${name}-value`).textContent = this.format(name, c[name]);
    }
    const exact = c.dataset === "class-ab";
    for (const name of ["n_points", "noise", "test_fraction"]) $(name).disabled = exact;
    $("seed").value = c.seed;
    for (const box of $("features").querySelectorAll("input")) box.checked = c.features.includes(box.value);
    fillSelect($("learning_rate"), withValue(LEARNING_RATES, c.learning_rate).map((v) => ({ value: v, label: String(v) })));
    $("learning_rate").value = String(c.learning_rate);
    const batches = withValue(BATCH_SIZES, c.batch_size).map((v) => ({ value: v, label: String(v) }));
    fillSelect($("batch_size"), [{ value: "full", label: t("settings.fullBatch") }, ...batches]);
    $("batch_size").value = c.batch_size === null ? "full" : String(c.batch_size);
    fillSelect($("steps_per_frame"), withValue(STEPS_PER_FRAME, c.steps_per_frame).map((v) => ({ value: v, label: String(v) })));
    $("steps_per_frame").value = String(c.steps_per_frame);
    this.showNetwork(c.hidden_layers);
  }

  showNetwork(layers) {
    $("layer-count").textContent = String(layers.length);
    $("add-layer").disabled = layers.length >= this.limits.hidden_layers.max;
    $("remove-layer").disabled = layers.length === 0;
    $("layer-sizes").replaceChildren(...layers.map((units, index) => {
      const item = document.createElement("li");
      const label = document.createElement("span");
      const neurons = units === 1 ? t("panel.units.one") : t("panel.units", { n: units });
      label.textContent = t("settings.layer", { n: index + 1, units: neurons });
      const less = document.createElement("button");
      less.type = "button";
      less.textContent = "−";
      less.setAttribute("aria-label", t("settings.fewer", { n: index + 1 }));
      less.disabled = units <= this.limits.neurons.min;
      less.addEventListener("click", () => this.resizeLayer(index, -1));
      const more = document.createElement("button");
      more.type = "button";
      more.textContent = "+";
      more.setAttribute("aria-label", t("settings.more", { n: index + 1 }));
      more.disabled = units >= this.limits.neurons.max;
      more.addEventListener("click", () => this.resizeLayer(index, +1));
      item.append(label, less, more);
      return item;
    }));
  }
}
