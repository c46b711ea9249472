// The guided textbook example: three settings of the same four points, one click each.
// Each step starts training at once, so the learner sees the outcome rather than reads it.

import { onLanguageChange, t } from "./i18n.js";

const BASE = { dataset: "class-ab", activation: "tanh", learning_rate: 0.3, batch_size: null, seed: 1 };

// Each step's explanation is "guide.<step>" in strings/run.js.
export const GUIDE_STEPS = [
  { ...BASE, features: ["x1", "x2"], hidden_layers: [] },
  { ...BASE, features: ["x1^2+x2^2"], hidden_layers: [] },
  { ...BASE, features: ["x1", "x2"], hidden_layers: [2] },
];

export class Guide {
  constructor(onChoose) {
    onLanguageChange(() => this.translate());
    this.buttons = [...document.querySelectorAll("[data-guide-step]")];
    for (const button of this.buttons) {
      button.addEventListener("click", () => {
        const step = GUIDE_STEPS[Number(button.dataset.guideStep)];
        this.mark(button);
        this.chosen = Number(button.dataset.guideStep);
        this.translate();
        onChoose(step);
      });
    }
  }

  // The chosen step's explanation, in the current language (its words are in strings/run.js).
  translate() {
    if (this.chosen !== undefined) document.getElementById("guide-text").textContent = t(`guide.${this.chosen}`);
  }

  mark(chosen) {
    for (const button of this.buttons) button.setAttribute("aria-pressed", String(button === chosen));
  }
}
