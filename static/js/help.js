// The explanations tooltips give (title attributes), reachable without hovering: a touch
// screen has no hover, and a keyboard never shows a tooltip. Each "?" button in the page
// (.help-toggle, aria-controls naming its panel) opens a panel that lists, for every titled
// element of its group, the element's name and its explanation. The group is the element that
// data-help-scope names, else the button's parent. The list is made as the panel opens, from
// the titles as they are then (some change with the run, all with the language). Each box of
// the training loop gets a "?" of its own, made here, after its name, that shows its
// explanation under the loop.

import { onLanguageChange, t } from "./i18n.js";
import "./strings/page.js";

const $ = (id) => document.getElementById(id);

// What an element is called on screen: its heading (a number's <dt>, a loop box's <strong>),
// else its words without the value or control it holds.
function nameOf(element) {
  const heading = element.querySelector("dt, strong");
  if (heading) return heading.textContent.trim();
  const copy = element.cloneNode(true);
  for (const part of copy.querySelectorAll("output, input, select, textarea, .help-toggle")) part.remove();
  return copy.textContent.replace(/\s+/g, " ").trim() || element.getAttribute("aria-label") || "";
}

// One entry per explanation: a term and what it means.
function entries(items) {
  const list = document.createElement("dl");
  list.className = "help-list";
  for (const [name, text] of items) {
    const term = document.createElement("dt");
    term.textContent = name;
    const meaning = document.createElement("dd");
    meaning.textContent = text;
    list.append(term, meaning);
  }
  return list;
}

// The titled elements of a group that can be seen now (a hidden row explains nothing).
function explained(scope) {
  const titled = [scope, ...scope.querySelectorAll("[title]")].filter((element) => element.title);
  return titled
    .filter((element) => !element.closest(".help-panel") && element.checkVisibility())
    .map((element) => [nameOf(element), element.title]);
}

function scopeOf(toggle) {
  return toggle.dataset.helpScope ? $(toggle.dataset.helpScope) : toggle.parentElement;
}

function fill(toggle) {
  const panel = $(toggle.getAttribute("aria-controls"));
  if (toggle.loopBox) panel.replaceChildren(entries([[nameOf(toggle.loopBox), toggle.loopBox.title]]));
  else panel.replaceChildren(entries(explained(scopeOf(toggle))));
}

function setOpen(toggle, open) {
  toggle.setAttribute("aria-expanded", String(open));
  const panel = $(toggle.getAttribute("aria-controls"));
  if (open) fill(toggle);
  panel.hidden = !open;
}

function toggles() {
  return [...document.querySelectorAll(".help-toggle")];
}

function onClick(toggle) {
  const open = toggle.getAttribute("aria-expanded") !== "true";
  // The loop's boxes share one panel: opening one closes the others'.
  const sharing = toggles().filter((other) => other !== toggle && other.getAttribute("aria-controls") === toggle.getAttribute("aria-controls"));
  for (const other of sharing) other.setAttribute("aria-expanded", "false");
  setOpen(toggle, open);
}

// The loop boxes' own "?" buttons, each in the line of its box's name (on the next line if the
// name fills it), so that it never covers the box's words.
function addLoopBoxToggles() {
  for (const box of document.querySelectorAll("#loop > li[title]")) {
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "help-toggle";
    toggle.textContent = "?";
    toggle.setAttribute("aria-controls", "loop-help");
    toggle.setAttribute("aria-expanded", "false");
    toggle.loopBox = box;
    // Made while the page loads: disabled with the rest until it works (loading.js).
    if (document.body.dataset.ready !== "true") {
      toggle.disabled = true;
      toggle.dataset.untilReady = "";
    }
    box.querySelector("strong").after(toggle);
  }
}

function nameLoopBoxToggles() {
  for (const toggle of toggles()) {
    if (!toggle.loopBox) continue;
    // The box's name by its key: as the page loads, its text is not yet in the remembered language.
    const name = t(toggle.loopBox.querySelector("strong").dataset.i18n);
    toggle.setAttribute("aria-label", t("help.box", { name }));
  }
}

addLoopBoxToggles();
nameLoopBoxToggles();
for (const toggle of toggles()) toggle.addEventListener("click", () => onClick(toggle));
// The titles are translated first (i18n.js), and some by other listeners (the scores' by
// main.js): open panels are made again once all of them have run.
onLanguageChange(() => {
  nameLoopBoxToggles();
  queueMicrotask(() => {
    for (const toggle of toggles()) if (toggle.getAttribute("aria-expanded") === "true") fill(toggle);
  });
});
