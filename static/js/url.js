// Every setting lives in the address, so a copied link reproduces the experiment (the seed
// fixes the data and the starting weights) and Back/Forward step through earlier settings.
// This turns a config (the page's copy is in state.js) into the address's query and back.

const LISTS = ["hidden_layers", "features"];
const TEXT = ["dataset", "activation", "initialization", "optimizer", "regularization"];
// Beside the settings the address may carry other things (the lesson open, lessons.js); they
// stay in it when the settings change.
const extras = new Map();

export function configToQuery(config) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(config)) {
    if (LISTS.includes(name)) query.set(name, value.join(","));
    else query.set(name, value === null ? "full" : String(value));
  }
  for (const [name, value] of extras) query.set(name, value);
  return `?${query}`;
}

// The settings the address gives, on top of the defaults. The server checks them.
export function queryToConfig(search, defaults) {
  const query = new URLSearchParams(search);
  const config = structuredClone(defaults);
  for (const [name, raw] of query) {
    if (!(name in defaults)) continue;
    if (name === "hidden_layers") config[name] = raw === "" ? [] : raw.split(",").map(Number);
    else if (name === "features") config[name] = raw.split(",");
    else if (TEXT.includes(name)) config[name] = raw;
    else if (name === "batch_size") config[name] = raw === "full" ? null : Number(raw);
    else config[name] = Number(raw);
  }
  return config;
}

export function remember(config) {
  const search = configToQuery(config);
  if (search !== window.location.search) window.history.pushState(null, "", search);
}

// Something other than a setting in the address (null removes it): in the current address now,
// and in every address written from a config after.
export function setAddressExtra(name, value) {
  if (value === null) extras.delete(name);
  else extras.set(name, String(value));
  const query = new URLSearchParams(window.location.search);
  if (value === null) query.delete(name);
  else query.set(name, String(value));
  const search = query.size ? `?${query}` : "";
  if (search !== window.location.search) window.history.replaceState(null, "", search || window.location.pathname);
}
