// On a narrow screen (a phone, a small tablet) the settings fold away: the Settings button in
// the run bar opens them as a drawer over the page, and Close, Escape or a tap beside the
// drawer folds them again. While the drawer is open the rest of the page is inert (out of
// reach of Tab, taps and screen readers), focus starts at the drawer's heading and goes back to
// the Settings button afterwards. On a wide screen the settings are a column of their own and
// the button is not shown (style.css: the same width as NARROW).

const NARROW = window.matchMedia("(max-width: 899px)");
const $ = (id) => document.getElementById(id);
const button = $("settings-button");
const drawer = $("settings");

// What the drawer covers: everything else a learner could reach, the lessons' sheet included.
function covered() {
  return [document.querySelector("header"), document.querySelector(".run-bar"), document.querySelector("main"), $("lesson-panel")];
}

function isOpen() {
  return drawer.classList.contains("open");
}

function open() {
  drawer.classList.add("open");
  button.setAttribute("aria-expanded", "true");
  for (const element of covered()) element.inert = true;
  $("settings-heading").focus();
}

function shut(giveFocusBack = true) {
  if (!isOpen()) return;
  drawer.classList.remove("open");
  button.setAttribute("aria-expanded", "false");
  for (const element of covered()) element.inert = false;
  if (giveFocusBack) button.focus();
}

button.addEventListener("click", () => (isOpen() ? shut() : open()));
$("settings-close").addEventListener("click", () => shut());
drawer.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  event.preventDefault();
  shut();
});
// A tap beside the drawer lands on no inert element: on the page's root.
document.addEventListener("click", (event) => {
  if (isOpen() && !drawer.contains(event.target) && !button.contains(event.target)) shut();
});
// Widened past the drawer's width (a phone turned, a window resized): the settings are a
// column again, and nothing may stay inert.
NARROW.addEventListener("change", () => shut(false));
