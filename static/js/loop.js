// The training loop diagram: each box shows its live quantity, and in phase-step mode the
// phase just done is highlighted, here and on the layer panels.

import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

function fixed(value, digits = 3) {
  return value === null || value === undefined ? "–" : Number(value).toFixed(digits);
}

// One line of text per layer (the values may come as a typed array); before there are any, a
// line per layer all the same, so that the values arriving move nothing on the page.
function perLayer(values, layers) {
  if (!values) return Array.from({ length: layers }, (_, i) => `L${i + 1} –`).join("\n");
  return Array.from(values, (v, i) => `L${i + 1} ${v.toExponential(1)}`).join("\n");
}

/** @param {import("./frame_types.js").Frame} frame */
export function showLoop(frame) {
  const loop = frame.loop;
  const sizes = frame.network.sizes.join("-");
  const sample = loop.sample;
  $("loop-batch").textContent = t("loop.batch", { n: loop.batch_size });
  $("loop-layers").textContent = t("loop.layers", { sizes });
  const batchLoss = loop.batch_loss ?? frame.metrics.train_loss;
  const at = sample && Array.from(sample.x, (v) => v.toFixed(2)).join(", ");
  if (sample && frame.problem === "multiclass") {
    $("loop-prediction").textContent = t("problems.loop.multiclass.prediction", { x: at, name: sample.prediction, p: fixed(sample.p) });
    $("loop-loss").textContent = t("problems.loop.multiclass.loss", { target: sample.target, pt: fixed(sample.p_target), loss: fixed(sample.loss), all: fixed(batchLoss) });
  } else if (sample && frame.problem === "regression") {
    $("loop-prediction").textContent = t("problems.loop.regression.prediction", { x: at, value: fixed(sample.prediction) });
    $("loop-loss").textContent = t("problems.loop.regression.loss", { target: fixed(sample.target), value: fixed(sample.prediction), loss: fixed(sample.loss), all: fixed(batchLoss) });
  } else if (sample) {
    $("loop-prediction").textContent = t("loop.prediction", { x: at, p: fixed(sample.p) });
    $("loop-loss").textContent = t("loop.loss", { target: sample.target, loss: fixed(sample.loss), all: fixed(batchLoss) });
  } else {
    $("loop-prediction").textContent = t("loop.empty");
    $("loop-loss").textContent = "–";
  }
  const fresh = frame.phase === "backward";
  const layers = frame.network.sizes.length - 1;
  $("loop-gradients").textContent = t(fresh ? "loop.gradients" : "loop.gradients.last", { values: perLayer(loop.grad_norms, layers) });
  $("loop-update").textContent = t("loop.update", { rate: loop.learning_rate, values: perLayer(loop.update_norms, layers) });
  const phase = frame.phase ?? "";
  $("loop").dataset.phase = phase;
  $("layers").dataset.phase = phase;
}
