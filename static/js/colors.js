// One palette for every plot, safe for the common kinds of colour blindness (blue/orange).
export const CLASS_COLORS = ["#1f78b4", "#e66101"];
export const PROBABILITY_SCALE = [[0, "#a6cee3"], [0.5, "#ffffff"], [1, "#fdb863"]];
export const GRID_COLORS = { vertical: "rgba(80, 110, 160, 0.45)", horizontal: "rgba(170, 90, 130, 0.45)" };
export const BOUNDARY_COLOR = "#222";
