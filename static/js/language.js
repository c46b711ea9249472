// The language toggle in the header. Importing this module puts the page's static text into the
// remembered language; the button then offers the other language.
import { language, onLanguageChange, setLanguage, translatePage } from "./i18n.js";
import "./strings/page.js";

// Each language is named in itself, so a reader lost in the other one still recognises theirs.
const NAMES = { en: "English", ko: "한국어" };
const button = document.getElementById("language-button");

function other() {
  return language() === "en" ? "ko" : "en";
}

function showOther() {
  button.textContent = NAMES[other()];
  button.lang = other();  // so a screen reader pronounces the name in its own language
}

translatePage();
showOther();
onLanguageChange(showOther);
button.addEventListener("click", () => setLanguage(other()));
