// The loss curve: training and test loss at every step this page has seen, and, when looking
// back on the timeline, a line at the step on screen.

import { t } from "./i18n.js";
import { plotConfig } from "./plot_config.js";
import { plotlyLoaded } from "./plotly_loader.js";
import { textLayout } from "./plot_text.js";

export const LOSS_POINTS = 2000;  // most points kept on the loss curve
const LOSS_REDRAW_MS = 250;

export function emptyLoss() {
  return { step: [], train: [], test: [], every: 1 };
}

// One more point on the loss curve. A long run would make the curve ever slower to draw: past
// a cap, every other point is dropped and points are then kept half as often (as the server's
// timeline does), so the whole run stays on the curve, evenly.
export function appendLoss(loss, step, train, test) {
  if (loss.step.length && step - loss.step.at(-1) < loss.every) return;
  loss.step.push(step);
  loss.train.push(train);
  loss.test.push(test);
  if (loss.step.length > LOSS_POINTS) {
    for (const key of ["step", "train", "test"]) loss[key] = loss[key].filter((_, i) => i % 2 === 0);
    loss.every *= 2;
  }
}

export class LossCurve {
  constructor(element) {
    this.element = element;
    this.loss = emptyLoss();
    this.viewedStep = null;  // the step of a look back on the timeline, null when live
    this.drawnAt = 0;
  }

  // Forget the previous run.
  clear() {
    this.loss = emptyLoss();
  }

  // A live frame's losses join the curve; a look back adds nothing.
  /** @param {import("./frame_types.js").Frame} frame */
  add(frame) {
    if (frame.timeline_index !== null) return;
    if (frame.step < this.loss.step.at(-1)) this.loss = emptyLoss();  // a new run from step 0
    appendLoss(this.loss, frame.step, frame.metrics.train_loss, frame.metrics.test_loss);
  }

  // The curve changes little from one frame to the next; while training, redrawing it a few
  // times a second is enough, and leaves time for the panels.
  /** @param {import("./frame_types.js").Frame} frame */
  drawSometimes(frame) {
    this.viewedStep = frame.timeline_index === null ? null : frame.step;
    const now = performance.now();
    if (frame.training && now - this.drawnAt < LOSS_REDRAW_MS) return null;
    this.drawnAt = now;
    return this.draw();
  }

  // Drawn by Plotly only: until Plotly.js has loaded, the curve's points are kept (plots.js
  // draws it then).
  draw() {
    if (!plotlyLoaded()) return null;
    const { step, train, test } = this.loss;
    const traces = [
      { type: "scatter", mode: "lines", name: t("plot.trainLoss"), x: step, y: train, line: { color: "#333", width: 2 } },
      { type: "scatter", mode: "lines", name: t("plot.testLoss"), x: step, y: test, line: { color: "#888", width: 2, dash: "dot" } },
    ];
    const layout = {
      ...textLayout(12, { l: 50, r: 10, t: 24, b: 36 }),
      datarevision: step.length,  // the arrays grow in place, so tell Plotly they changed
      xaxis: { title: { text: t("plot.step") }, rangemode: "tozero", autorange: true },
      yaxis: { title: { text: t("plot.loss") }, rangemode: "tozero", autorange: true },
      // At the left: the mode bar (always shown on a touch screen) takes the top right.
      legend: { orientation: "h", x: 0, xanchor: "left", y: 1, yanchor: "bottom" },
    };
    if (this.viewedStep !== null) {
      // Where on the curve the snapshot on screen sits.
      layout.shapes = [{ type: "line", xref: "x", yref: "paper", x0: this.viewedStep, x1: this.viewedStep, y0: 0, y1: 1, line: { color: "#2b5fd9", width: 2 } }];
    }
    return Plotly.react(this.element, traces, layout, plotConfig());
  }
}
