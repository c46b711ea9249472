// The eight lessons of the tour (lessons.js shows them): what each sets up, which part of the
// page it points at, and what it offers to do. Their words are "lesson.<id>.*" in
// strings/lessons.js; the figures they quote were read off the app with these very settings, so
// a change here means checking the words again (tests/browser/test_lessons.py checks the setups).
//
// A setup is a config on top of the server's defaults (nothing from an earlier lesson lingers),
// sent through the page's normal path, then `steps` training steps taken at once. An experiment
// ("try") changes some settings of the run and starts training.

const $ = (id) => document.getElementById(id);

// A panel's whole figure (title, note, plot and controls), found by its plot.
const figureOf = (plotId) => () => $(plotId)?.closest("figure") ?? null;
// One model's panel in the Compare view.
const comparePanel = (model) => () => document.querySelector(`.compare-panel[data-model="${model}"]`);
// A box of the loop diagram, found by the value it shows.
const loopBox = (valueId) => () => $(valueId)?.closest("li") ?? null;

export const LESSONS = [
  {
    id: "rules",
    setup: { config: { dataset: "moons", test_fraction: 0, optimizer: "adam", learning_rate: 0.03 } },
    tool: "rule",
    spot: figureOf("plot-input"),
    actions: ["train"],
  },
  {
    id: "map",
    setup: {
      config: { dataset: "class-ab-noisy", hidden_layers: [2], optimizer: "adam", learning_rate: 0.03 },
      steps: 300,
    },
    spot: figureOf("layer-plot-1"),
    actions: [],
  },
  {
    id: "depth",
    setup: { config: { dataset: "circle", hidden_layers: [8, 6, 2], optimizer: "adam", learning_rate: 0.03 } },
    spot: figureOf("layer-plot-3"),
    actions: ["train"],
  },
  {
    id: "ab",
    setup: {
      config: { dataset: "class-ab", features: ["x1", "x2"], hidden_layers: [], learning_rate: 0.3 },
    },
    spot: figureOf("plot-input"),
    actions: ["train"],
    tries: [
      { name: "product", changes: { features: ["x1*x2"], hidden_layers: [] }, spot: figureOf("layer-plot-1") },
      { name: "square", changes: { features: ["x1^2+x2^2"], hidden_layers: [] }, spot: figureOf("layer-plot-1") },
      { name: "hidden", changes: { features: ["x1", "x2"], hidden_layers: [2] }, spot: figureOf("layer-plot-1") },
    ],
  },
  {
    id: "loop",
    setup: { config: { dataset: "class-ab-noisy" } },
    spot: () => $("loop"),
    actions: ["phase", "step"],
  },
  {
    id: "history",
    setup: { config: { dataset: "circle", optimizer: "adam", learning_rate: 0.03 }, steps: 300, compare: "defaults" },
    spot: () => $("compare"),
    actions: ["compare"],
    tries: [
      { name: "gamma", compare: { svm_gamma: 0.01 }, spot: comparePanel("svm") },
      {
        name: "feature",
        changes: { features: ["x1^2+x2^2"], hidden_layers: [] },
        compare: {},
        spot: comparePanel("network"),
      },
    ],
  },
  {
    id: "algorithms",
    setup: {
      config: {
        dataset: "circle", hidden_layers: [8, 8, 8, 8, 8, 8], activation: "sigmoid",
        initialization: "small", optimizer: "sgd", learning_rate: 0.3,
      },
    },
    spot: loopBox("loop-gradients"),
    actions: ["step", "train"],
    tries: [
      {
        name: "modern",
        changes: { activation: "relu", initialization: "suited", optimizer: "adam", learning_rate: 0.03 },
        spot: loopBox("loop-gradients"),
      },
      {
        name: "init",
        changes: { activation: "sigmoid", initialization: "suited", optimizer: "sgd", learning_rate: 0.3 },
        spot: loopBox("loop-gradients"),
      },
      {
        name: "adam",
        changes: { activation: "sigmoid", initialization: "small", optimizer: "adam", learning_rate: 0.03 },
        spot: loopBox("loop-gradients"),
      },
    ],
  },
  {
    id: "data",
    setup: {
      config: { dataset: "circle", n_points: 20, test_fraction: 0.5, optimizer: "adam", learning_rate: 0.03 },
    },
    spot: () => $("plot-loss"),
    actions: ["train"],
    tries: [
      { name: "more", changes: { n_points: 500 }, spot: () => $("plot-loss") },
      { name: "few", changes: { n_points: 20 }, spot: () => $("plot-loss") },
    ],
  },
];
