// One palette for every plot, safe for the common kinds of colour blindness: classes A and B
// blue and orange, then Okabe-Ito's bluish green, reddish purple and sky blue for C, D, E.
export const CLASS_COLORS = ["#1f78b4", "#e66101", "#009e73", "#cc79a7", "#56b4e9"];
export const CLASS_NAMES = ["A", "B", "C", "D", "E"];
export const PROBABILITY_SCALE = [[0, "#a6cee3"], [0.5, "#ffffff"], [1, "#fdb863"]];
// A regression's values, low to high: blue through white to orange (the classes' colours).
export const VALUE_SCALE = [[0, "#1f78b4"], [0.5, "#f7f7f7"], [1, "#e66101"]];
export const GRID_COLORS = { vertical: "rgba(80, 110, 160, 0.45)", horizontal: "rgba(170, 90, 130, 0.45)" };
export const BOUNDARY_COLOR = "#222";
