// The guided textbook example: three settings of the same four points, one click each.
// Each step starts training at once, so the learner sees the outcome rather than reads it.

const BASE = { dataset: "class-ab", activation: "tanh", learning_rate: 0.3, batch_size: null, seed: 1 };

export const GUIDE_STEPS = [
  {
    config: { ...BASE, features: ["x1", "x2"], hidden_layers: [] },
    text: "No hidden layer means one straight line in the (x1, x2) plane. All four points lie on "
      + "the line x1 + x2 = 3, with A at both ends and B in the middle, so no straight line can "
      + "put A on one side and B on the other. Watch the accuracy stall at 50%.",
  },
  {
    config: { ...BASE, features: ["x1^2+x2^2"], hidden_layers: [] },
    text: "Same four points, but the network now sees one hand-made number per point, x1²+x2²: "
      + "9 for both A points, 5 for both B points. In the Features panel a single threshold "
      + "between 5 and 9 splits them, and training finds it within a few steps.",
  },
  {
    config: { ...BASE, features: ["x1", "x2"], hidden_layers: [2] },
    text: "Back to the raw x1, x2, but with a hidden layer of two tanh neurons. Nobody tells it "
      + "which formula to use: training bends the plane until, in the hidden layer's panel, a "
      + "straight line separates A from B. That learned map is what deep learning adds.",
  },
];

export class Guide {
  constructor(onChoose) {
    this.buttons = [...document.querySelectorAll("[data-guide-step]")];
    for (const button of this.buttons) {
      button.addEventListener("click", () => {
        const step = GUIDE_STEPS[Number(button.dataset.guideStep)];
        this.mark(button);
        document.getElementById("guide-text").textContent = step.text;
        onChoose(step.config);
      });
    }
  }

  mark(chosen) {
    for (const button of this.buttons) button.setAttribute("aria-pressed", String(button === chosen));
  }
}
