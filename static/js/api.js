// Talks to the server. One SessionClient per tab; it recreates its session (same settings)
// if the server no longer knows it, e.g. after a restart or an idle expiry. Every config the
// server answers with goes to the page's copy of the settings (state.js). The tab keeps its
// session's id in sessionStorage, so that a reload, or a link followed in the same tab, takes
// the session back (resume) rather than starting another; a closed page says goodbye.

import { PACKED_TYPE, unpackFrame } from "./frame_format.js";
import { t } from "./i18n.js";
import { restoreKnown, withKnownQuery } from "./known.js";

// A refusal with a reason to show the learner (a 4xx answer, or a file the page cannot use),
// as opposed to a bug.
export class ApiError extends Error {}

// A body that is a string goes as CSV text; anything else as JSON.
async function request(method, url, body) {
  // Frames come packed (a fraction of JSON's size and cost); everything else is JSON.
  const options = { method, headers: { Accept: `${PACKED_TYPE}, application/json` } };
  if (typeof body === "string") {
    options.headers["Content-Type"] = "text/csv";
    options.body = body;
  } else if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, options);
  } catch {
    throw new ApiError(t("run.offline"));  // no answer at all: the server is down or restarting
  }
  if (response.status === 204) return { status: 204, body: null };
  const type = response.headers.get("Content-Type") || "";
  if (type.startsWith("text/csv")) return { status: response.status, body: await response.text() };
  if (type.startsWith(PACKED_TYPE)) {
    return { status: response.status, body: unpackFrame(await response.arrayBuffer()) };
  }
  const payload = await response.json().catch(() => null);
  if (!response.ok) {
    const error = new ApiError(describe(payload, response.status));
    error.status = response.status;
    error.detail = payload && payload.detail;
    error.retryAfter = Number(response.headers.get("Retry-After")) || 1;
    throw error;
  }
  return { status: response.status, body: payload };
}

function describe(payload, status) {
  const detail = payload && payload.detail;
  if (Array.isArray(detail)) return detail.map((d) => d.message || d.msg).join("; ");
  if (typeof detail === "string") return detail;
  return `The server answered ${status}.`;
}

// A poll that gets no answer, or a 5xx (a worker restarting, the store busy a moment), is asked
// again after these waits before the page says the server is gone: a worker restarted under a
// class goes unnoticed.
const RETRY_MS = [250, 500, 1000, 2000, 4000];

function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// Where the tab keeps its session's id: sessionStorage lives as long as the tab, reloads
// included, and is the tab's own.
const KEPT_SESSION = "layerscope-session";
// A 503 to a new session that begins so: every session the server keeps is in use (the
// server's words, app/api/errors.py). Any other 503 is a store that does not answer.
const SERVER_FULL = "server full";
// A 429 (more requests a second to one session than the server takes, e.g. a timeline dragged
// fast) is asked again after its Retry-After, this many times before the page says so.
const TOO_MANY_RETRIES = 3;

// The words for a new session refused: the server full, or too many new sessions from this
// network this minute.
function refusedSession(error) {
  const key = error.status === 429 ? "run.tooManyNew"
    : error.status === 503 && String(error.detail).startsWith(SERVER_FULL) ? "run.full"
      : null;
  if (key === null) return error;
  const said = new ApiError(t(key));
  said.status = error.status;
  return said;
}

export class SessionClient {
  // state: the page's ConfigState, where the server's configs are saved and read back from.
  constructor(state) {
    this.id = null;
    this.state = state;
    this.tail = Promise.resolve();
    this.lastFrame = null;  // the last frame polled or asked for, whole
    this.onRestart = () => {};  // called when the server had forgotten the session
    this.onRetry = () => {};  // called before a poll is asked again (see RETRY_MS)
  }

  async create(config) {
    let body;
    try {
      ({ body } = await request("POST", "/api/sessions", config));
    } catch (error) {
      throw refusedSession(error);
    }
    this.id = body.session_id;
    sessionStorage.setItem(KEPT_SESSION, this.id);
    return this.saved(body);
  }

  // The session this tab had before a reload, if the server still has it: its summary
  // ({config, step, training}), and it is this client's session again. Null if there is none.
  async resume() {
    const kept = sessionStorage.getItem(KEPT_SESSION);
    if (!kept) return null;
    try {
      const { body } = await request("GET", `/api/sessions/${encodeURIComponent(kept)}`);
      this.id = kept;
      return body;
    } catch (error) {
      if (error.status !== 404 && error.status !== 422) throw error;
      sessionStorage.removeItem(KEPT_SESSION);
      return null;
    }
  }

  // The page is going away (tab closed, reload, link followed): the server forgets the
  // session in a few seconds unless a page takes it back meanwhile, as a reload does. A beacon
  // is sent even as the page unloads; it is a POST with no body.
  goodbye() {
    if (this.id) navigator.sendBeacon(`/api/sessions/${encodeURIComponent(this.id)}/close`);
  }

  async setConfig(config) {
    return this.saved((await this.call("PUT", "config", config)).body);
  }

  // An answer of {config, frame}: the config saved as the run's, the frame returned.
  saved(answer) {
    this.state.save(answer.config);
    return answer.frame;
  }

  async step(steps) { return (await this.call("POST", "step", { steps })).body; }
  async exportNetwork() { return (await this.call("GET", "export")).body; }

  async importNetwork(file) {
    return this.saved((await this.call("POST", "import", file)).body);
  }

  // Points added, removed or loaded from a CSV: the server answers with the run's config (its
  // data are now the custom data) and the frame.
  async editPoints(method, action, body) {
    return this.saved((await this.call(method, action, body)).body);
  }

  async downloadCsv() { return (await this.call("GET", "data.csv")).body; }

  async setView(body) { return (await this.call("PUT", "view", body)).body; }
  async phase() { return (await this.call("POST", "phase")).body; }
  async train() { return (await this.call("POST", "train")).body.training; }
  async pause() { await this.call("POST", "pause"); }
  async reset() { return (await this.call("POST", "reset")).body; }

  // While training: the steps due since the last poll, then the new frame (the server decides
  // how many). Asked again on no answer or a 5xx, with growing waits, before giving up.
  /** @returns {Promise<import("./frame_types.js").Frame>} */
  async advance() {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.framed("POST", "advance", new URLSearchParams());
      } catch (error) {
        const passing = error.status === undefined || error.status >= 500;
        if (!passing || attempt >= RETRY_MS.length) throw error;
        this.onRetry(attempt);
        await delay(RETRY_MS[attempt]);
      }
    }
  }

  // The latest frame, or null if it is still the given revision.
  /** @returns {Promise<import("./frame_types.js").Frame | null>} */
  async frame(since) {
    const query = new URLSearchParams();
    if (since !== undefined && since !== null) query.set("since", since);
    return this.getFrame(query);
  }

  // The frame of a timeline snapshot.
  async frameAt(index) {
    return this.getFrame(new URLSearchParams({ at: index }));
  }

  async getFrame(query) {
    return this.framed("GET", "frame", query);
  }

  // Frames asked for leave out what this page has already (known.js).
  async framed(method, action, query) {
    const { body } = await this.call(method, `${action}?${withKnownQuery(query, this.lastFrame)}`);
    if (body === null) return null;
    this.lastFrame = restoreKnown(body, this.lastFrame);
    return this.lastFrame;
  }

  // Calls go out one at a time, in order: a Pause sent just after a Train must not overtake
  // it on another connection and leave the server training while the page shows it paused.
  call(method, action, body) {
    const run = () => this.send(method, action, body);
    const result = this.tail.then(run, run);
    this.tail = result.catch(() => {});
    return result;
  }

  async send(method, action, body) {
    const url = () => `/api/sessions/${encodeURIComponent(this.id)}/${action}`;
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(method, url(), body);
      } catch (error) {
        if (error.status === 429 && attempt < TOO_MANY_RETRIES) {
          await delay(error.retryAfter * 1000);
          continue;
        }
        if (error.status !== 404) throw error;
        await this.create(this.state.run);  // the server forgot us: start over, same settings
        this.onRestart();
        return await request(method, url(), body);
      }
    }
  }
}
