// The page's words, in English and Korean. Each part of the page registers its own table of
// strings ({en: {...}, ko: {...}}), so text lives in one place per language and per feature.
// Elements in the HTML name their text with data-i18n="key" (their text),
// data-i18n-title="key" (their tooltip) or data-i18n-label="key" (their name for screen
// readers, aria-label); translatePage() fills them in.

export const LANGUAGES = ["en", "ko"];
const STORAGE_KEY = "layerscope-language";
const tables = { en: {}, ko: {} };
const listeners = [];
let current = LANGUAGES.includes(localStorage.getItem(STORAGE_KEY)) ? localStorage.getItem(STORAGE_KEY) : "en";

export function register(strings) {
  for (const language of LANGUAGES) Object.assign(tables[language], strings[language] || {});
}

// The text for a key in the current language ({name} placeholders filled from vars); English
// when the current language lacks it, the key itself when both do (a visible bug, not a crash).
export function t(key, vars = {}) {
  const text = tables[current][key] ?? tables.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in vars ? String(vars[name]) : whole));
}

// A phrase from the server ({key, vars}, see app/pictures/panels.py) in the current language; a value
// that is itself a phrase is put into words first. A list of phrases reads as sentences.
export function phrase(p) {
  if (Array.isArray(p)) return p.map(phrase).join(" ");
  const vars = Object.fromEntries(Object.entries(p.vars || {}).map(([name, v]) => [name, v && v.key ? phrase(v) : v]));
  return t(p.key, vars);
}

export function language() {
  return current;
}

export function setLanguage(language) {
  if (!LANGUAGES.includes(language)) return;
  current = language;
  localStorage.setItem(STORAGE_KEY, language);  // remembered on this computer
  translatePage();
  for (const listener of listeners) listener(language);
}

export function onLanguageChange(listener) {
  listeners.push(listener);
}

export function translatePage(root = document) {
  document.documentElement.lang = current;
  for (const element of root.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll("[data-i18n-title]")) element.title = t(element.dataset.i18nTitle);
  for (const element of root.querySelectorAll("[data-i18n-label]")) element.setAttribute("aria-label", t(element.dataset.i18nLabel));
}
