// Wires the page together: settings (state.js, shown by settings.js) -> session on the server
// (api.js) -> frames -> plots.

import { ApiError, SessionClient } from "./api.js";
import { Compare } from "./compare.js";
import { readChosenFile, saveFile } from "./files.js";
import { onLanguageChange, phrase, t } from "./i18n.js";
import { Lessons } from "./lessons.js";
import { showLoop } from "./loop.js";
import { NetworkDiagram } from "./network.js";
import { plain } from "./numbers.js";
import { pageOptions } from "./options.js";
import { Player } from "./player.js";
import { setLargeText } from "./plot_text.js";
import { afterPaint, loadPlotly } from "./plotly_loader.js";
import { Plots } from "./plots.js";
import { Settings } from "./settings.js";
import { ConfigState } from "./state.js";
import { Timeline } from "./timeline.js";
import { configToQuery, queryToConfig, remember } from "./url.js";
import "./loading.js";  // first: the page shows itself as loading until it is ready
import "./drawer.js";
import "./help.js";
import "./strings/initialization.js";
import "./strings/problems.js";
import "./strings/run.js";
import "./strings/views.js";
import "./language.js";  // last: translates the page once every string table is registered

const $ = (id) => document.getElementById(id);

const state = new ConfigState();  // the page's copy of the settings, from start() on
const client = new SessionClient(state);
client.onRestart = () => say(t("run.restarted"));
// A poll with no answer is asked again a few times (api.js): say so meanwhile, and stop saying
// it once a frame comes.
let reconnecting = false;
client.onRetry = () => { reconnecting = true; say(t("run.retrying")); };
const plots = new Plots(
  (body) => guarded(() => changeView(body)),
  (x1, x2, shift) => guarded(() => editPoint(x1, x2, shift)),
);
const player = new Player(client, showFrame, stopped);
const network = new NetworkDiagram(document.getElementById("network"));
const compare = new Compare(client, state, document.getElementById("compare"));
let settings;
// The lessons set the app up through the same paths as the learner's own changes.
const lessons = new Lessons({
  configure: (config) => guarded(() => applyChanges(config)),
  change: (changes) => guarded(() => applyChanges(changes)),
  steps: (n) => guarded(async () => { player.halt(); showPlaying(false); await showFrame(await client.step(n)); }),
  train: () => guarded(async () => { if (!player.playing) await toggleTraining(); }),
  press: (id) => $(id).click(),
  compare,
});
const timeline = new Timeline(client, {
  beforeLookBack: async () => {
    if (player.playing) { await player.pause(); showPlaying(false); }
  },
  showFrame,
});

// Read by the browser tests and the benchmark: how many frames were drawn, how long drawing
// them took, and the last few hundred times one by one (for a median); the last frame drawn.
const RECENT_RENDERS = 500;
const renderStats = { frames: 0, totalMs: 0, lastMs: 0, recentMs: [] };
window.layerscope = { renderStats, sessionId: () => client.id, frame: () => plots.frame };

function percent(value) {
  return value === null || value === undefined ? "–" : `${Math.round(value * 100)}%`;
}

function say(text) {
  $("message").textContent = text ?? "";
}

/** @param {import("./frame_types.js").Frame} frame */
async function showFrame(frame) {
  const started = performance.now();
  if (reconnecting) { reconnecting = false; say(""); }
  $("step-count").textContent = String(frame.step);
  $("train-loss").textContent = plain(frame.metrics.train_loss);
  $("test-loss").textContent = plain(frame.metrics.test_loss);
  showScores(frame);
  showFrameMessage(frame);
  if (frame.timeline_index === null) timeline.follow(frame);
  showLoop(frame);
  network.draw(frame.network, frame.palette, frame.training);
  compare.showFrame(frame);  // does nothing unless the Compare view is open
  lessons.showFrame(frame);
  await plots.draw(frame);
  renderStats.lastMs = performance.now() - started;
  renderStats.totalMs += renderStats.lastMs;
  renderStats.frames += 1;
  renderStats.recentMs.push(renderStats.lastMs);
  if (renderStats.recentMs.length > RECENT_RENDERS) renderStats.recentMs.shift();
}

// Classes are scored by accuracy, a regression by R² (what share of the values' spread it explains).
/** @param {import("./frame_types.js").Frame} frame */
function showScores(frame) {
  const regression = frame.problem === "regression";
  for (const split of ["train", "test"]) {
    const kind = regression ? "r2" : "accuracy";
    $(`${split}-score`).querySelector("dt").textContent = t(`problems.${split}.${kind}`);
    $(`${split}-score`).title = t(`problems.${kind}.title`);
    $(`${split}-accuracy`).textContent = regression ? plain(frame.metrics[`${split}_r2`]) : percent(frame.metrics[`${split}_accuracy`]);
  }
}

// What a frame has to say (the server decides it): why training stopped by itself (nobody was
// watching; it diverged, and why), or a hint when training goes wrong; null if nothing.
function frameMessage(frame) {
  if (frame.stopped_reason === "idle") return t("run.stopped.idle");
  if (frame.hint) return phrase(frame.hint);
  return frame.stopped_reason ? t(`run.stopped.${frame.stopped_reason}`) : null;
}

// Shown in the message area while frames say it; taken away once they stop saying it, unless
// something else has been said there since.
let frameSaid = null;

function showFrameMessage(frame) {
  const text = frameMessage(frame);
  const shown = $("message").textContent;
  // Said again only if it changed: the message area is read out whenever its text is set.
  if (text) { if (text !== shown) say(text); }
  else if (frameSaid !== null && shown === frameSaid) say("");
  frameSaid = text;
}

function showPlaying(playing) {
  const button = $("train-button");
  button.textContent = t(playing ? "run.pause" : "run.train");
  button.setAttribute("aria-pressed", String(playing));
}

function stopped(frame, error) {
  showPlaying(false);
  if (error) say(error.message);
  else if (frame) showFrameMessage(frame);
}

// Run an action with errors shown on the page rather than lost in the console.
async function guarded(action) {
  try {
    await action();
  } catch (error) {
    say(error.message);
    if (!(error instanceof ApiError)) console.error(error);  // a bug, not a refusal: make it loud
  }
}

// Settings can change faster than the server answers; only the answer to the newest change may
// settle what the form shows, or an older answer would undo a newer choice.
let configGeneration = 0;

// Some settings changed (or a whole config, from the address): a new run with them.
async function applyChanges(changes, fromHistory = false) {
  const config = state.want(changes);
  const generation = ++configGeneration;
  player.halt();
  showPlaying(false);
  say("");
  try {
    const frame = await client.setConfig(config);
    if (generation !== configGeneration) return;
    state.settle();
    if (!fromHistory) remember(state.run);
    plots.clear();
    await showFrame(frame);
  } catch (error) {
    if (generation !== configGeneration) return;
    state.settle();  // the server kept the previous settings
    say(error.message);
  }
}

async function toggleTraining() {
  if (player.playing) {
    await player.pause();
    showPlaying(false);
    return;
  }
  say("");
  showPlaying(true);
  await player.play();
}

// A hidden tab stops asking for frames, so its run stops training (the server trains only when
// asked): it says so, and carries on when the tab is seen again.
let resumeWhenSeen = false;

async function onVisibilityChange() {
  if (document.hidden && player.playing) {
    resumeWhenSeen = true;
    await player.pause();
    showPlaying(false);
    say(t("run.hiddenPause"));
  } else if (!document.hidden && resumeWhenSeen) {
    resumeWhenSeen = false;
    if (!player.playing) await toggleTraining();
  }
}

async function step() {
  player.halt();
  showPlaying(false);
  await showFrame(await client.step(1));
}

async function changeView(body) {
  const frame = await client.setView(body);
  await showFrame(frame);
}

// The server's limits too (app/api/limits.py): a file over them is refused here, in words.
const MAX_IMPORT_BYTES = 310 * 1024;  // twice the largest network file (an 8x8x6 one is ~10 KB)
const MAX_CSV_BYTES = 128 * 1024;

async function exportNetwork() {
  const file = await client.exportNetwork();
  saveFile(`layerscope-${file.config.dataset}-step${file.step}.json`, JSON.stringify(file, null, 1), "application/json");
}

async function importNetwork(input) {
  const file = await readChosenFile(input, MAX_IMPORT_BYTES);
  if (!file) return;
  let body;
  try {
    body = JSON.parse(file.text);
  } catch {
    throw new ApiError(t("run.notJson"));
  }
  player.halt();
  showPlaying(false);
  ++configGeneration;
  const frame = await client.importNetwork(body);
  state.settle();  // the imported network's settings, whatever was asked for before
  remember(state.run);
  plots.clear();
  say(t("run.imported", { step: frame.step }));
  await showFrame(frame);
}

// Points by hand: the server switches the run to custom data, keeps the network, and says so
// in the config it answers with.
async function afterEdit(frame) {
  remember(state.run);
  await showFrame(frame);
}

async function editPoint(x1, x2, shift) {
  const choice = document.querySelector("input[name='new-class']:checked").value;
  const label = Number(choice);
  const frame = shift || choice === "remove"
    ? await client.editPoints("POST", "points/remove", { x1, x2 })
    : await client.editPoints("POST", "points", { x1, x2, label });
  await afterEdit(frame);
}

async function clearPoints() {
  await afterEdit(await client.editPoints("DELETE", "points"));
}

async function downloadCsv() {
  saveFile("layerscope-data.csv", await client.downloadCsv(), "text/csv");
}

async function uploadCsv(input) {
  const file = await readChosenFile(input, MAX_CSV_BYTES);
  if (!file) return;
  const frame = await client.editPoints("PUT", "data.csv", file.text);
  say(t("run.loaded", { count: frame.data.labels.length, file: file.name }));
  await afterEdit(frame);
}

async function phaseStep() {
  player.halt();
  showPlaying(false);
  await showFrame(await client.phase());
}

async function reset() {
  player.halt();
  showPlaying(false);
  say("");
  plots.clear();
  await showFrame(await client.reset());
}

// Space plays or pauses, the right arrow steps, r resets: unless the learner is typing.
function onKey(event) {
  const typing = event.target.closest("input, select, textarea, dialog");
  const pressing = event.key === " " && event.target.closest("button");  // the button's own click
  if (typing || pressing || event.ctrlKey || event.metaKey || event.altKey) return;
  const action = { " ": toggleTraining, ArrowRight: step, r: reset }[event.key];
  if (!action) return;
  event.preventDefault();
  guarded(action);
}

// The first picture is drawn without Plotly.js (plotly_loader.js); once it is on screen,
// Plotly runs and takes over every plot. The marks time both for the benchmark.
async function handOverToPlotly() {
  await loadPlotly();
  await plots.handover();
  performance.mark("layerscope:plots");
  document.body.dataset.plots = "ready";
}

// The tab's session: taken back after a reload or a link followed in this tab (with the
// address's settings: a run of other settings starts again, one of the same goes on, paused as
// the page starts), else a new one. So the server counts people, not page loads.
async function openSession(config) {
  const kept = await client.resume();
  if (!kept) return client.create(config);
  const same = Object.keys(config).every(
    (name) => JSON.stringify(config[name]) === JSON.stringify(kept.config[name]),
  );
  if (!same) return client.setConfig(config);
  state.save(kept.config);
  if (kept.training) await client.pause();
  return client.frame();
}

async function start() {
  $("large-text").checked = localStorage.getItem("layerscope-large-text") === "1";
  setLargeText($("large-text").checked);  // before the first frame: its plots' text follows it
  const options = pageOptions();
  state.want(queryToConfig(window.location.search, options.defaults));
  settings = new Settings(options, state, (changes) => guarded(() => applyChanges(changes)));
  let frame;
  try {
    frame = await openSession(state.shown);
  } catch (error) {
    if (error.status !== 422) throw error;
    say(t("run.badLink", { reason: error.message }));
    state.want(options.defaults);
    frame = await openSession(state.shown);
  }
  window.addEventListener("pagehide", () => client.goodbye());
  // Back from the browser's page cache: take the session back (gone, it starts again).
  window.addEventListener("pageshow", (event) => { if (event.persisted) guarded(() => client.resume()); });
  state.settle();
  window.history.replaceState(null, "", configToQuery(state.run));
  window.addEventListener("popstate", () => {
    guarded(() => applyChanges(queryToConfig(window.location.search, options.defaults), true));
  });
  await showFrame(frame);
  performance.mark("layerscope:first-picture");
  $("train-button").addEventListener("click", () => guarded(toggleTraining));
  $("step-button").addEventListener("click", () => guarded(step));
  $("phase-button").addEventListener("click", () => guarded(phaseStep));
  $("export-button").addEventListener("click", () => guarded(exportNetwork));
  $("clear-points").addEventListener("click", () => guarded(clearPoints));
  $("download-csv").addEventListener("click", () => guarded(downloadCsv));
  $("upload-csv").addEventListener("change", () => guarded(() => uploadCsv($("upload-csv"))));
  $("import-file").addEventListener("change", () => guarded(() => importNetwork($("import-file"))));
  $("reset-button").addEventListener("click", () => guarded(reset));
  $("show-test").addEventListener("change", () => plots.setDisplay({ showTest: $("show-test").checked }));
  $("smooth").addEventListener("change", () => plots.setDisplay({ smooth: $("smooth").checked }));
  $("discretize").addEventListener("change", () => plots.setDisplay({ discretize: $("discretize").checked }));
  $("large-text").addEventListener("change", () => {
    const on = $("large-text").checked;
    localStorage.setItem("layerscope-large-text", on ? "1" : "0");  // remembered on this computer
    setLargeText(on);
    plots.setDisplay({});  // drawn again with the plots' text at its new size
    compare.redraw();
  });
  document.addEventListener("keydown", onKey);
  document.addEventListener("visibilitychange", () => guarded(onVisibilityChange));
  onLanguageChange(() => {
    showPlaying(player.playing);
    settings.translate();
    const frame = plots.frame;
    if (frame) { showScores(frame); showLoop(frame); showFrameMessage(frame); timeline.translate(frame); network.draw(frame.network, frame.palette); plots.relabel(); }
  });
  document.body.dataset.ready = "true";
  performance.mark("layerscope:ready");
  lessons.begin(options.defaults);  // opens the lesson a link names
  afterPaint(() => guarded(handOverToPlotly));
}

guarded(start);
