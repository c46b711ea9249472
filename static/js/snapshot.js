// The camera button of a plot with a canvas overlay (overlay.js): Plotly's own picture of the
// plot knows nothing of the overlay, so the overlay's lines and points are drawn onto it before
// it is saved as a PNG.

import { saveFile } from "./files.js";
import { t } from "./i18n.js";

// Plotly's own image of the plot, on a canvas of the plot's size: no overlay.
export async function plotlyPicture(element) {
  const [width, height] = [element._fullLayout.width, element._fullLayout.height].map(Math.round);
  const image = new Image();
  image.src = await Plotly.toImage(element, { format: "png", width, height });
  await image.decode();
  const canvas = document.createElement("canvas");
  [canvas.width, canvas.height] = [width, height];
  canvas.getContext("2d").drawImage(image, 0, 0);
  return canvas;
}

// The plot as one picture: Plotly's image with the overlay laid on its plot area.
export async function pictureOf(element) {
  const { xaxis, yaxis } = element._fullLayout;
  const canvas = await plotlyPicture(element);
  const overlay = element.overlay?.canvas;
  if (overlay) {
    // Whole pixels and no smoothing: a plot area at a fractional offset would otherwise blur
    // every point's colour into its neighbours'.
    const context = canvas.getContext("2d");
    context.imageSmoothingEnabled = false;
    const [x, y] = [Math.round(xaxis._offset), Math.round(yaxis._offset)];
    context.drawImage(overlay, x, y, Math.round(xaxis._length), Math.round(yaxis._length));
  }
  return canvas;
}

async function save(element) {
  const canvas = await pictureOf(element);
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  saveFile(`layerscope-${element.id}.png`, blob, "image/png");
}

// Takes the place of Plotly's own "toImage" button in a plot's config, with its words (Plotly
// asks for the title each time it builds the mode bar: in the page's language). Its icon is
// Plotly's, read when Plotly builds the mode bar (Plotly.js loads after this module).
export const SAVE_BUTTON = {
  name: "save-png",
  title: () => t("plotly.toImage"),
  get icon() { return Plotly.Icons.camera; },
  click: (element) => { save(element); },
};
