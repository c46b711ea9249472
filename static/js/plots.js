// Draws frames: the input plane (input_plane.js), the loss curve (loss_curve.js) and one panel
// per later layer (layer_panel.js). This keeps the list of panels, builds them anew when the
// network's shape changes, skips those scrolled out of view, and holds the display choices.
// Plotly draws axes, heatmap, text, hover and the loss curve; the lines and points that move
// every frame are drawn on a canvas over each plot (overlay.js), through that plot's axes.
// Until Plotly.js has loaded, flat plots get plain axes (plain_axes.js) and the rest waits for
// handover().

import { InputPlane } from "./input_plane.js";
import { LayerPanel, panelSignature } from "./layer_panel.js";
import { LossCurve } from "./loss_curve.js";

const SMOOTH_MS = 80;  // a smooth move's length: most of the time until the next frame

export class Plots {
  // onProjection(body) is called when the learner changes how a wide layer is shown.
  // onPlaneClick(x1, x2, shift) is called when the learner clicks the input plane.
  constructor(onProjection, onPlaneClick) {
    this.onProjection = onProjection;
    this.display = { showTest: true, discretize: false, smooth: false };
    this.input = new InputPlane(onPlaneClick);
    this.lossCurve = new LossCurve(document.getElementById("plot-loss"));
    this.container = document.getElementById("layers");
    this.signature = null;
    this.panels = [];  // one per layer after the input, in order
    this.frame = null;  // the last frame drawn
  }

  // Smooth motion: a panel's points and lines glide to their new places (on its overlay,
  // never with Plotly's layout.transition, which halved the frame rate). Off, they jump.
  glideMs() {
    return this.display.smooth ? SMOOTH_MS : 0;
  }

  // Display choices that need no server: redraw the last frame with them.
  setDisplay(changes) {
    Object.assign(this.display, changes);
    if (this.frame) this.draw(this.frame);
  }

  // After a change of language: panels rebuilt (their controls hold words), then redrawn.
  relabel() {
    this.signature = null;
    this.setDisplay({});
    this.lossCurve.draw();
  }

  // Plotly.js has loaded: the last frame drawn again, every plot by Plotly this time (each
  // plot's plain axes go as Plotly replaces them), wherever it is on the page.
  async handover() {
    if (!this.frame) return;
    for (const panel of this.panels) panel.drawn = false;
    await Promise.all([this.draw(this.frame), this.lossCurve.draw()]);
  }

  // Forget everything drawn from the previous run (new config or reset).
  clear() {
    this.lossCurve.clear();
    for (const panel of this.panels) panel.clear();
  }

  /** @param {import("./frame_types.js").Frame} frame */
  async draw(frame) {
    this.frame = frame;
    this.lossCurve.add(frame);
    this.ensurePanels(frame.layers);
    await Promise.all([this.input.draw(frame, this.display), this.lossCurve.drawSometimes(frame), this.drawPanels(frame)]);
  }

  // The input layer is the big input plot (a card of its own); every later layer has a panel
  // in the layers' strip. A panel scrolled out of view is not redrawn; it catches up as soon
  // as it is seen again.
  /** @param {import("./frame_types.js").Frame} frame */
  drawPanels(frame) {
    return Promise.all(this.panels.map((panel, i) => (this.shouldDraw(panel) ? this.drawPanel(i) : null)));
  }

  // Draw one panel from the last frame, e.g. when its morph slider moves or it comes into view.
  drawPanel(i) {
    const { layers } = this.frame;
    return this.panels[i].draw(this.frame, layers[i + 1], layers[i], this.display, this.glideMs());
  }

  // Seen, or never drawn yet (a panel gets its first picture wherever it is).
  shouldDraw(panel) {
    return !this.observer || this.visible.has(panel.element) || !panel.drawn;
  }

  /** @param {import("./frame_types.js").LayerView[]} layers every layer, the input first */
  ensurePanels(layers) {
    const signature = layers.slice(1).map(panelSignature).join("|");
    if (this.signature === signature) return;
    this.signature = signature;
    this.panels = layers.slice(1).map((layer, i) => new LayerPanel(layer, layers[i], this.onProjection, () => this.drawPanel(i)));
    this.container.replaceChildren(...this.panels.map((panel) => panel.element));
    this.watchVisibility();
  }

  watchVisibility() {
    this.observer?.disconnect();
    this.visible = new WeakSet();
    this.observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        if (entry.isIntersecting) {
          this.visible.add(entry.target);
          const i = this.panels.findIndex((panel) => panel.element === entry.target);
          if (i >= 0 && this.frame) this.drawPanel(i);
        } else {
          this.visible.delete(entry.target);
        }
      }
    });
    for (const panel of this.panels) this.observer.observe(panel.element);
  }
}
