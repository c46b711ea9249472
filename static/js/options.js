// The settings' defaults, limits and choices, as GET /api/options gives them. The page carries
// them in a <script type="application/json" id="options"> block (data, not a script: the
// Content-Security-Policy has nothing to refuse), which saves a round trip before the first frame.

let options = null;

/** @returns {object} the options, read once */
export function pageOptions() {
  options ??= JSON.parse(document.getElementById("options").textContent);
  return options;
}
