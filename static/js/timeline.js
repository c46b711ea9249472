// The timeline: a slider over the run's snapshots (the last position is "live"), and Replay,
// which steps through them in order. Looking back pauses training; Train resumes from the
// latest state, not from the snapshot on screen.

import { t } from "./i18n.js";

export class Timeline {
  constructor(client, { beforeLookBack, showFrame }) {
    this.client = client;
    this.beforeLookBack = beforeLookBack;
    this.showFrame = showFrame;
    this.slider = document.getElementById("timeline");
    this.label = document.getElementById("timeline-label");
    this.steps = [];
    this.generation = 0;
    this.replaying = null;
    this.wanted = null;  // the newest position asked for by the slider, not yet looked at
    this.seeking = false;
    this.slider.addEventListener("input", () => { this.replaying = null; this.seek(Number(this.slider.value)); });
    document.getElementById("replay-button").addEventListener("click", () => this.replay());
  }

  get live() {
    return Number(this.slider.value) >= this.steps.length;
  }

  // Every live frame: the slider grows with the run and sits at its live end.
  /** @param {import("./frame_types.js").Frame} frame */
  follow(frame) {
    this.generation += 1;
    this.replaying = null;
    this.steps = frame.timeline;
    this.slider.max = String(this.steps.length);
    this.slider.value = String(this.steps.length);
    this.label.textContent = t("timeline.live", { step: frame.step });
  }

  /** @param {import("./frame_types.js").Frame} frame */
  translate(frame) {
    const key = frame.timeline_index === null ? "timeline.live" : "timeline.back";
    this.label.textContent = t(key, { step: frame.step });
  }

  // The slider's input events come faster than frames: only the newest position is asked
  // for, one request at a time (a fast drag must not queue a request for every position).
  async seek(index) {
    this.wanted = index;
    if (this.seeking) return;
    this.seeking = true;
    try {
      while (this.wanted !== null) {
        const next = this.wanted;
        this.wanted = null;
        await this.lookAt(next);
      }
    } finally {
      this.seeking = false;
    }
  }

  async lookAt(index) {
    await this.beforeLookBack();  // pausing draws the latest frame, so this comes first
    const generation = ++this.generation;
    if (index >= this.steps.length) {
      const frame = await this.client.frame();
      if (generation === this.generation) { await this.showFrame(frame); this.follow(frame); }
      return;
    }
    const frame = await this.client.frameAt(index);
    if (generation !== this.generation) return;
    if (this.wanted === null) this.slider.value = String(index);  // not under a moving thumb
    this.translate(frame);
    await this.showFrame(frame);
  }

  async replay() {
    const token = {};
    this.replaying = token;
    const count = this.steps.length;
    for (let index = 0; index <= count; index++) {
      if (this.replaying !== token) return;  // the slider was moved, or training resumed
      await this.lookAt(index);
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
    this.replaying = null;
  }
}
