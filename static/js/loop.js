// The training loop diagram: each box shows its live quantity, and in phase-step mode the
// phase just done is highlighted, here and on the layer panels, and a caption says what it
// did. The server decides what each box holds: while a step is taken phase by phase, the
// boxes its later phases fill are empty (null), and say which phase fills them.

import { t } from "./i18n.js";
import { plain } from "./numbers.js";

const $ = (id) => document.getElementById(id);

// One line per layer, "layer 1: 0.13" (the values may come as a typed array); before there
// are any, a line per layer all the same, so that the values arriving move nothing on the page.
function perLayer(values, layers) {
  if (!values) return Array.from({ length: layers }, (_, i) => t("loop.layer", { n: i + 1, value: "–" })).join("\n");
  return Array.from(values, (v, i) => t("loop.layer", { n: i + 1, value: plain(v) })).join("\n");
}

// A box's values, or, while a step is taken phase by phase, which phase fills them in.
function orLater(values, phase, layers) {
  if (values === null || values === undefined) return phase ? t(`loop.waiting.${phase}`) : perLayer(null, layers);
  return perLayer(values, layers);
}

/** @param {import("./frame_types.js").Frame} frame */
export function showLoop(frame) {
  const loop = frame.loop;
  const sizes = frame.network.sizes.join("-");
  const sample = loop.sample;
  const stepping = frame.phase !== null;  // a step taken phase by phase
  $("loop-batch").textContent = t("loop.batch", { n: loop.batch_size });
  $("loop-layers").textContent = t("loop.layers", { sizes });
  // Between whole steps the loss box compares with the training loss; a step's own batch
  // loss is there from its loss phase on.
  const batchLoss = stepping ? loop.batch_loss : frame.metrics.train_loss;
  const at = sample && Array.from(sample.x, (v) => v.toFixed(2)).join(", ");
  // Just after the forward phase, the target is there to compare with, not yet the loss.
  const lossText = (key, vars) => (sample.loss === null
    ? `${t("loop.target", { target: vars.target })}\n${t("loop.waiting.loss")}`
    : t(key, { ...vars, loss: plain(sample.loss), all: plain(batchLoss) }));
  if (sample && frame.problem === "multiclass") {
    $("loop-prediction").textContent = t("problems.loop.multiclass.prediction", { x: at, name: sample.prediction, p: plain(sample.p) });
    $("loop-loss").textContent = lossText("problems.loop.multiclass.loss", { target: sample.target, pt: plain(sample.p_target) });
  } else if (sample && frame.problem === "regression") {
    $("loop-prediction").textContent = t("problems.loop.regression.prediction", { x: at, value: plain(sample.prediction) });
    $("loop-loss").textContent = lossText("problems.loop.regression.loss", { target: plain(sample.target), value: plain(sample.prediction) });
  } else if (sample) {
    $("loop-prediction").textContent = t("loop.prediction", { x: at, p: plain(sample.p) });
    $("loop-loss").textContent = lossText("loop.loss", { target: sample.target });
  } else {
    $("loop-prediction").textContent = t("loop.empty");
    $("loop-loss").textContent = "–";
  }
  // Between whole steps the gradients are the last step's; while stepping, this step's.
  const layers = frame.network.sizes.length - 1;
  const gradients = orLater(loop.grad_norms, stepping && "backward", layers);
  $("loop-gradients").textContent = t(stepping ? "loop.gradients" : "loop.gradients.last", { values: gradients });
  const changes = orLater(loop.update_norms, stepping && "update", layers);
  $("loop-update").textContent = t("loop.update", { rate: loop.learning_rate, values: changes });
  $("loop-caption").textContent = t(`loop.caption.${frame.phase ?? "none"}`);
  const phase = frame.phase ?? "";
  $("loop").dataset.phase = phase;
  $("layers").dataset.phase = phase;
}
