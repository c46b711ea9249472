// The page's copy of the run's settings (a config, with the fields of app/run/config.py's
// TrainingConfig), kept here and nowhere else. The settings form (settings.js) shows it and asks
// for changes; the address (url.js) is written from it; the session client (api.js) saves in it
// every config the server answers with, and starts a forgotten session again from it.
//
// It holds two configs. `run` is the run's on the server, as the server last answered (checked
// and normalised there: the one to trust). `shown` is what the form shows: the run's, or the
// settings asked for while the server has not answered yet, so that a second change made before
// the first is answered builds on it rather than undoing it.

export class ConfigState {
  // Nothing until the first config: the server's defaults, or the address's settings.
  constructor(config = null) {
    this.saved = structuredClone(config);
    this.wanted = null;  // settings asked for, not answered yet
    this.listeners = [];
  }

  get run() {
    return structuredClone(this.saved);
  }

  get shown() {
    return structuredClone(this.wanted ?? this.saved);
  }

  // onChange(config) is called with the config to show whenever it changes.
  onChange(listener) {
    this.listeners.push(listener);
  }

  // Changes asked for (some settings, or a whole config): the whole config to send.
  want(changes) {
    this.wanted = { ...(this.wanted ?? this.saved), ...structuredClone(changes) };
    this.changed();
    return this.shown;
  }

  // The server's answer: the run's config now. What is shown changes only if nothing is waiting
  // for an answer.
  save(config) {
    this.saved = structuredClone(config);
    if (this.wanted === null) this.changed();
  }

  // The newest request is answered, or refused: the form shows the run's config again.
  settle() {
    if (this.wanted === null) return;
    this.wanted = null;
    this.changed();
  }

  changed() {
    for (const listener of this.listeners) listener(this.shown);
  }
}
