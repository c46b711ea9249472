// Lesson 1's rule tool: the learner writes a rule by hand, a straight line with A on one side and
// B on the other, and sees how many training points it gets right. It is the learner's own rule,
// not something the server decided, so it is drawn and scored here, from the points of the last
// frame: a small plot of its own, with two sliders (turn, move) and a button to swap the sides.
//
// The line: with n = (cos θ, sin θ) and c the middle of the plane, the rule says B where
// n · (x − c) > d · R, R being half the plane's diagonal (so d from −1 to 1 sweeps the whole
// plane). tests/browser/test_lessons.py scores the same rule from the frame by itself.

import { t } from "./i18n.js";

const SIZE = 220;  // the plot's side, in CSS pixels
const SHADE_ALPHA = 0.16;

function slider(name, min, max, step, value) {
  const input = document.createElement("input");
  Object.assign(input, { type: "range", name, min, max, step, value });
  return input;
}

// "0.71·x1 − 0.71·x2 > 0.30", with plain decimals and a minus sign where a coefficient is negative.
function ruleText(a, b, k) {
  const number = (v) => Math.abs(v).toFixed(2);
  const sign = b < 0 ? "−" : "+";
  return `${a < 0 ? "−" : ""}${number(a)}·x1 ${sign} ${number(b)}·x2 > ${k < 0 ? "−" : ""}${number(k)}`;
}

// A colour "#rrggbb" with some transparency.
function faded(hex, alpha) {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

export class RuleTool {
  constructor() {
    this.frame = null;
    this.element = document.createElement("div");
    this.element.className = "rule-tool";
    const title = document.createElement("p");
    title.className = "rule-title";
    this.canvas = document.createElement("canvas");
    this.canvas.className = "rule-plot";
    this.canvas.setAttribute("role", "img");
    this.turn = slider("rule-turn", 0, 359, 1, 0);
    this.move = slider("rule-move", -1, 1, 0.01, 0);
    this.swap = document.createElement("button");
    this.swap.type = "button";
    this.swap.setAttribute("aria-pressed", "false");
    this.formula = document.createElement("p");
    this.formula.className = "rule-formula";
    this.score = document.createElement("p");
    this.score.className = "rule-score";
    this.score.setAttribute("aria-live", "polite");
    const labelled = (input, key) => {
      const label = document.createElement("label");
      const text = document.createElement("span");
      text.dataset.key = key;
      label.append(text, input);
      return label;
    };
    const controls = document.createElement("div");
    controls.className = "rule-controls";
    controls.append(labelled(this.turn, "rule.turn"), labelled(this.move, "rule.move"), this.swap);
    this.element.append(title, this.canvas, controls, this.formula, this.score);
    this.title = title;
    for (const input of [this.turn, this.move]) input.addEventListener("input", () => this.draw());
    this.swap.addEventListener("click", () => {
      this.swap.setAttribute("aria-pressed", String(this.swap.getAttribute("aria-pressed") !== "true"));
      this.draw();
    });
    this.translate();
  }

  translate() {
    this.title.textContent = t("rule.label");
    this.canvas.setAttribute("aria-label", t("rule.plot"));
    for (const text of this.element.querySelectorAll("[data-key]")) text.textContent = t(text.dataset.key);
    this.swap.textContent = t("rule.swap");
    this.draw();
  }

  /** @param {import("./frame_types.js").Frame} frame */
  show(frame) {
    this.frame = frame;
    this.draw();
  }

  // The plane's edges, from the input plane's shading grid (the cells' centres).
  plane() {
    const { x, y } = this.frame.boundary;
    return { x0: x[0], x1: x.at(-1), y0: y[0], y1: y.at(-1) };
  }

  // The rule as a·x1 + b·x2 > k (B on that side).
  rule() {
    const { x0, x1, y0, y1 } = this.plane();
    const angle = (Number(this.turn.value) * Math.PI) / 180;
    const flip = this.swap.getAttribute("aria-pressed") === "true" ? -1 : 1;
    const a = flip * Math.cos(angle);
    const b = flip * Math.sin(angle);
    const reach = Math.hypot(x1 - x0, y1 - y0) / 2;
    const k = a * (x0 + x1) / 2 + b * (y0 + y1) / 2 + flip * Number(this.move.value) * reach;
    return { a, b, k };
  }

  // Training points only: those the network learns from, whose accuracy it reports.
  counted() {
    const { points } = this.frame.layers[0];
    const { labels, is_test: isTest } = this.frame.data;
    const chosen = [];
    for (let i = 0; i < labels.length; i += 1) {
      if (!isTest[i]) chosen.push({ x1: points.x[i], x2: points.y[i], label: labels[i] });
    }
    return chosen;
  }

  draw() {
    const frame = this.frame;
    const binary = frame && frame.problem === "binary";
    this.canvas.hidden = !binary;
    this.formula.hidden = !binary;
    if (!frame) return;
    if (!binary) {
      this.score.textContent = t("rule.twoClasses");
      return;
    }
    const { a, b, k } = this.rule();
    const points = this.counted();
    const right = points.filter((p) => (a * p.x1 + b * p.x2 > k ? 1 : 0) === p.label).length;
    this.formula.textContent = t("rule.formula", { rule: ruleText(a, b, k) });
    this.score.textContent = points.length === 0
      ? t("rule.none")
      : t("rule.score", { right, total: points.length, percent: `${Math.round((100 * right) / points.length)}%` });
    this.element.dataset.right = String(right);
    this.element.dataset.total = String(points.length);
    this.paint(a, b, k, points);
  }

  paint(a, b, k, points) {
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = SIZE * ratio;
    this.canvas.height = SIZE * ratio;
    const g = this.canvas.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    const { x0, x1, y0, y1 } = this.plane();
    const px = (v) => ((v - x0) / (x1 - x0)) * SIZE;
    const py = (v) => SIZE - ((v - y0) / (y1 - y0)) * SIZE;
    const [colorA, colorB] = this.frame.data.class_colors;
    // Each side shaded in the class it is given: a coarse grid of cells is plenty at this size.
    const cells = 44;
    const cell = SIZE / cells;
    for (let i = 0; i < cells; i += 1) {
      for (let j = 0; j < cells; j += 1) {
        const u = x0 + ((i + 0.5) / cells) * (x1 - x0);
        const v = y1 - ((j + 0.5) / cells) * (y1 - y0);
        g.fillStyle = faded(a * u + b * v > k ? colorB : colorA, SHADE_ALPHA);
        g.fillRect(i * cell, j * cell, cell + 0.5, cell + 0.5);
      }
    }
    // The line a·x1 + b·x2 = k across the plane: two far points along it.
    const along = Math.hypot(x1 - x0, y1 - y0);
    const foot = { x: (a * k), y: (b * k) };  // the point of the line nearest the origin (|n| = 1)
    g.strokeStyle = "#1d2433";
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(px(foot.x - b * along * 2), py(foot.y + a * along * 2));
    g.lineTo(px(foot.x + b * along * 2), py(foot.y - a * along * 2));
    g.stroke();
    for (const p of points) {
      g.beginPath();
      g.arc(px(p.x1), py(p.x2), 3, 0, 2 * Math.PI);
      g.fillStyle = p.label === 1 ? colorB : colorA;
      g.fill();
      g.lineWidth = 0.6;
      g.strokeStyle = "#ffffff";
      g.stroke();
    }
    g.strokeStyle = "#d9dde5";
    g.lineWidth = 1;
    g.strokeRect(0.5, 0.5, SIZE - 1, SIZE - 1);
  }
}
