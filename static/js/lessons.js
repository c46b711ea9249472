// The lessons as a guided tour: a panel beside the plots (below them on a narrow screen) with
// one lesson at a time, Back and Next. Opening a lesson sets the app up for it through the
// page's own path (the settings, the server's config, the address), points at the panel to look
// at (scrolled into view and outlined for a moment), and offers the one thing to do. Which
// lesson is open and which were seen is remembered on this computer; the address carries
// ?lesson=N while a lesson is open, so a link can open one.

import { onLanguageChange, register, t } from "./i18n.js";
import { LESSONS } from "./lesson_plan.js";
import { RuleTool } from "./rule_tool.js";
import strings from "./strings/lessons.js";
import { setAddressExtra } from "./url.js";

register(strings);

const STORAGE_KEY = "layerscope-lessons";
const SPOT_MS = 2600;  // how long the panel pointed at stays outlined
const $ = (id) => document.getElementById(id);

// The lesson a link names (?lesson=1 to 8), as an index from 0; null if none or not one.
function linkedLesson() {
  const n = Number(new URLSearchParams(window.location.search).get("lesson"));
  return Number.isInteger(n) && n >= 1 && n <= LESSONS.length ? n - 1 : null;
}

function recalled() {
  try {
    const saved = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? "{}");
    const current = Number.isInteger(saved.current) && saved.current >= 0 && saved.current < LESSONS.length ? saved.current : 0;
    const seen = Array.isArray(saved.seen) ? saved.seen.filter((i) => Number.isInteger(i) && i >= 0 && i < LESSONS.length) : [];
    return { current, seen: new Set(seen) };
  } catch {
    return { current: 0, seen: new Set() };  // a damaged entry: start afresh
  }
}

export class Lessons {
  /**
   * @param {object} app what a lesson may ask of the page:
   *   configure(config): a new run with this whole config (the page's normal path);
   *   change(changes): some settings of the current run changed;
   *   steps(n): n training steps at once, drawn;
   *   train(): start training if it is not running;
   *   press(id): press one of the page's buttons;
   *   compare: the Compare view (compare.js).
   */
  constructor(app) {
    this.app = app;
    this.defaults = null;
    this.index = null;  // the lesson shown, null while the panel is closed
    this.generation = 0;  // a newer lesson opened while an older one was setting up wins
    const { current, seen } = recalled();
    this.current = current;
    this.seen = seen;
    this.panel = $("lesson-panel");
    this.button = $("lessons-button");
    this.ruleTool = new RuleTool();
    this.linked = linkedLesson();
    // Kept in the address from the start, so the page's first rewrite of it does not drop it.
    if (this.linked !== null) setAddressExtra("lesson", this.linked + 1);
    this.button.addEventListener("click", () => (this.index === null ? this.open(this.current) : this.close()));
    $("lesson-close").addEventListener("click", () => this.close());
    $("lesson-back").addEventListener("click", () => this.open(this.index - 1));
    $("lesson-next").addEventListener("click", () => this.open(this.index + 1));
    $("lesson-show").addEventListener("click", () => this.point(LESSONS[this.index].spot));
    $("lesson-fold").addEventListener("click", () => this.fold(!this.panel.classList.contains("folded")));
    this.panel.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { event.stopPropagation(); this.close(); }
    });
    // Back and Forward restore the settings (main.js); the lesson follows the address too.
    window.addEventListener("popstate", () => {
      const n = linkedLesson();
      if (n === null) this.close();
      else if (n !== this.index) this.open(n, { setUp: false });
    });
    onLanguageChange(() => this.render());
    // The lesson's Train button is the page's: it says Pause while training, as that one does.
    new MutationObserver(() => {
      for (const button of document.querySelectorAll("#lesson-actions [data-action='train']")) {
        button.textContent = $("train-button").textContent;
      }
    }).observe($("train-button"), { childList: true, characterData: true, subtree: true });
    this.buildList();
  }

  // Once the page works: the server's defaults (each setup builds on them), and the lesson the
  // link named, opened.
  begin(defaults) {
    this.defaults = defaults;
    if (this.linked !== null) this.open(this.linked, { focus: false });
  }

  // Every frame the page draws comes here (the rule tool scores the points it has).
  /** @param {import("./frame_types.js").Frame} frame */
  showFrame(frame) {
    this.frame = frame;
    if (this.index !== null && LESSONS[this.index].tool === "rule") this.ruleTool.show(frame);
  }

  async open(index, { setUp = true, focus = true } = {}) {
    if (index < 0 || index >= LESSONS.length || !this.defaults) return;
    const generation = ++this.generation;
    const lesson = LESSONS[index];
    this.index = index;
    this.current = index;
    this.seen.add(index);
    this.remember();
    setAddressExtra("lesson", index + 1);
    this.panel.hidden = false;
    this.makeRoom(true);
    this.button.setAttribute("aria-expanded", "true");
    this.fold(false);
    this.panel.dataset.lesson = String(index + 1);
    this.render();
    if (focus) $("lesson-title").focus();
    if (!setUp) {
      this.panel.dataset.state = "ready";
      return;
    }
    this.panel.dataset.state = "setting-up";
    $("lesson-status").textContent = t("lessons.settingUp");
    await this.app.configure({ ...this.defaults, ...lesson.setup.config });
    if (generation !== this.generation) return;
    if (lesson.setup.steps) await this.app.steps(lesson.setup.steps);
    if (generation !== this.generation) return;
    if (lesson.setup.compare === "defaults") this.app.compare.use(null, false);
    $("lesson-status").textContent = "";
    this.panel.dataset.state = "ready";
    this.point(lesson.spot);
  }

  close() {
    if (this.index === null) return;
    this.generation += 1;
    this.index = null;
    this.panel.hidden = true;
    delete this.panel.dataset.lesson;
    this.makeRoom(false);
    this.button.setAttribute("aria-expanded", "false");
    setAddressExtra("lesson", null);
    this.button.focus();
  }

  // The page makes room for the panel (style.css): every plot is fitted to its box again, as
  // Plotly's "responsive" does only when the window itself is resized.
  makeRoom(open) {
    if (document.body.classList.contains("lessons-open") === open) return;
    document.body.classList.toggle("lessons-open", open);
    for (const plot of document.querySelectorAll(".js-plotly-plot")) Plotly.Plots.resize(plot);
    window.dispatchEvent(new Event("resize"));  // for anything else that fits itself to the window
  }

  // On a narrow screen the panel covers the bottom of the page: it folds down to its title bar.
  fold(folded) {
    this.panel.classList.toggle("folded", folded);
    $("lesson-fold").setAttribute("aria-expanded", String(!folded));
    $("lesson-fold").setAttribute("aria-label", t(folded ? "lessons.unfold" : "lessons.fold"));
    $("lesson-fold").textContent = folded ? "▴" : "▾";
  }

  remember() {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ current: this.current, seen: [...this.seen].sort((a, b) => a - b) }));
  }

  // Scroll the part of the page a lesson talks about into view, and outline it for a moment.
  point(spot) {
    const element = spot?.();
    if (!element) return;
    const reduced = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    // Beside the panel there is room to centre it; above a panel at the bottom, its top goes first.
    const beside = window.getComputedStyle(this.panel).top === "0px";
    element.scrollIntoView({ block: beside ? "center" : "start", behavior: reduced ? "auto" : "smooth" });
    for (const old of document.querySelectorAll(".lesson-spot")) old.classList.remove("lesson-spot");
    element.classList.add("lesson-spot");
    clearTimeout(this.spotTimer);
    this.spotTimer = setTimeout(() => element.classList.remove("lesson-spot"), SPOT_MS);
  }

  buildList() {
    $("lesson-list").replaceChildren(...LESSONS.map((lesson, index) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = String(index + 1);
      button.addEventListener("click", () => this.open(index));
      item.append(button);
      return item;
    }));
  }

  // The open lesson's words, in the current language, and its buttons.
  render() {
    this.button.textContent = t("lessons.button");
    this.ruleTool.translate();
    const buttons = $("lesson-list").querySelectorAll("button");
    LESSONS.forEach((lesson, index) => {
      const key = this.seen.has(index) ? "lessons.goto.seen" : "lessons.goto";
      buttons[index].setAttribute("aria-label", t(key, { n: index + 1, title: t(`lesson.${lesson.id}.title`) }));
      buttons[index].classList.toggle("seen", this.seen.has(index));
      if (index === this.index) buttons[index].setAttribute("aria-current", "step");
      else buttons[index].removeAttribute("aria-current");
    });
    if (this.index === null) return;
    const lesson = LESSONS[this.index];
    const say = (part) => t(`lesson.${lesson.id}.${part}`);
    $("lesson-count").textContent = t("lessons.count", { n: this.index + 1, total: LESSONS.length });
    $("lesson-title").textContent = say("title");
    $("lesson-text").replaceChildren(...["p1", "p2", "p3"]
      .filter((part) => t(`lesson.${lesson.id}.${part}`) !== `lesson.${lesson.id}.${part}`)
      .map((part) => {
        const p = document.createElement("p");
        p.textContent = say(part);
        return p;
      }));
    $("lesson-tool").replaceChildren(...(lesson.tool === "rule" ? [this.ruleTool.element] : []));
    if (lesson.tool === "rule" && this.frame) this.ruleTool.show(this.frame);
    $("lesson-watch").textContent = say("watch");
    $("lesson-do").textContent = say("do");
    $("lesson-actions").replaceChildren(...lesson.actions.map((action) => this.actionButton(action)));
    const tries = lesson.tries ?? [];
    $("lesson-tries").hidden = tries.length === 0;
    $("lesson-try-list").replaceChildren(...tries.map((trial) => this.tryItem(lesson, trial)));
    $("lesson-back").disabled = this.index === 0;
    $("lesson-next").disabled = this.index === LESSONS.length - 1;
  }

  // The lesson's one thing to do, as a button that does what the page's own control does.
  actionButton(action) {
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.action = action;
    const press = {
      train: ["run.train", () => this.app.press("train-button")],
      step: ["page.step", () => this.app.press("step-button")],
      phase: ["page.phase", () => this.app.press("phase-button")],
      compare: ["lessons.openCompare", () => { this.app.compare.use({}); this.point(() => $("compare")); }],
    }[action];
    button.textContent = action === "train" ? $("train-button").textContent : t(press[0]);
    button.addEventListener("click", press[1]);
    return button;
  }

  tryItem(lesson, trial) {
    const item = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.dataset.try = trial.name;
    button.textContent = t(`lesson.${lesson.id}.try.${trial.name}`);
    button.addEventListener("click", () => this.runTrial(trial));
    const note = document.createElement("span");
    note.textContent = t(`lesson.${lesson.id}.try.${trial.name}.note`);
    item.append(button, note);
    return item;
  }

  async runTrial(trial) {
    const generation = this.generation;
    if (trial.changes) {
      await this.app.change(trial.changes);
      if (generation !== this.generation) return;
    }
    if (trial.compare) this.app.compare.use(trial.compare);
    if (trial.changes) this.app.train();
    this.point(trial.spot);
  }
}
