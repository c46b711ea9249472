// The network diagram: every unit as a small map of its output over the input plane, every
// weight as a link whose colour gives its sign and whose width gives its size. Hover for
// values; click (or tap) a unit to enlarge its map and read the weights coming into it: a
// touch screen has no hover.

import { shadeTable } from "./color_scale.js";
import { onLanguageChange, t } from "./i18n.js";

const SVG = "http://www.w3.org/2000/svg";
const BOX = 38;
const GAP = 10;
// While training, the maps change a little per frame: redrawn a few times a second is enough,
// and leaves the time for the layer panels. Any other frame is drawn at once.
const LIVE_REDRAW_MS = 200;
// The frame sends the maps as parallel lists; one object per unit is easier to work with.
/** @param {import("./frame_types.js").UnitMaps} maps */
function unitMaps(maps) {
  return maps.values.map((values, k) => ({
    layer: maps.layer[k],
    unit: maps.unit[k],
    min: Number(maps.min[k].toFixed(4)),
    max: Number(maps.max[k].toFixed(4)),
    values,
  }));
}

// A unit's map on its canvas, each byte (0 = the unit's lowest output, 255 = its highest) in its
// colour on the scale (palette.unit: light for low, dark for high).
function paint(canvas, map, side, scale) {
  const bytes = map.values;
  const table = shadeTable(scale, 256);
  const image = canvas.getContext("2d").createImageData(side, side);
  for (let row = 0; row < side; row++) {
    for (let col = 0; col < side; col++) {
      // Row 0 of the map is the bottom of the plane; row 0 of a canvas is its top.
      const shade = bytes[row * side + col] * 3;
      const at = ((side - 1 - row) * side + col) * 4;
      image.data.set([table[shade], table[shade + 1], table[shade + 2], 255], at);
    }
  }
  canvas.getContext("2d").putImageData(image, 0, 0);
}

// The diagram's height: its tallest column of units.
function diagramHeight(sizes) {
  return Math.max(...sizes) * (BOX + GAP) + GAP;
}

function layerName(layer, last) {
  return layer === 0 ? t("layer.input") : layer === last ? t("layer.output") : t("layer.hidden", { n: layer });
}

export class NetworkDiagram {
  constructor(container) {
    this.container = container;
    this.signature = null;
    // Out of sight until the observer says otherwise: its first report may come after the
    // first frame, which would otherwise draw a diagram nobody sees.
    this.visible = false;
    new IntersectionObserver(([entry]) => { this.visible = entry.isIntersecting; if (this.visible && this.pending) this.draw(this.pending, this.palette); })
      .observe(container);
    this.dialog = document.getElementById("neuron-dialog");
    this.dialog.querySelector("button").addEventListener("click", () => this.dialog.close());
    // Out of sight the diagram is not redrawn, but its units' names (what a screen reader
    // says) follow the page's language at once.
    onLanguageChange(() => this.label());
  }

  // The network as the frame gives it, coloured by the frame's palette. While training (live),
  // drawn a few times a second.
  /**
   * @param {import("./frame_types.js").Network} network
   * @param {import("./frame_types.js").Palette} palette
   */
  draw(network, palette, live = false) {
    this.pending = network;
    this.palette = palette;
    // Its height is kept even while out of sight and not drawn: else the page below would jump
    // when it is first scrolled to, and a click meant for what was there would miss.
    this.container.style.height = `${diagramHeight(network.sizes)}px`;
    if (!this.visible) return;
    clearTimeout(this.later);
    const wait = live ? (this.drawnAt ?? -Infinity) + LIVE_REDRAW_MS - performance.now() : 0;
    if (wait > 0) {
      this.later = setTimeout(() => this.draw(this.pending, this.palette), wait);  // the latest, a little later
      return;
    }
    this.drawnAt = performance.now();
    const signature = `${network.sizes.join("-")}:${network.inputs.join(",")}`;
    const maps = unitMaps(network.maps);
    if (signature !== this.signature) this.build(network, maps, signature);
    this.network = network;
    this.maps = maps;
    maps.forEach((map, k) => paint(this.canvases[k], map, network.side, palette.unit));
    let k = 0;
    network.weights.forEach((matrix) => matrix.forEach((row) => row.forEach((w) => {
      const line = this.links[k++];
      line.setAttribute("stroke", w >= 0 ? palette.positive_weight : palette.negative_weight);
      line.setAttribute("stroke-width", String(Math.min(0.4 + 2.2 * Math.abs(w), 7)));
    })));
    this.label();
  }

  // The words of the diagram as drawn: each unit's name and tooltip, each link's tooltip.
  label() {
    const network = this.network;
    if (!network) return;
    const last = network.sizes.length - 1;
    this.maps.forEach((map, k) => {
      const bias = map.layer > 0 ? t("network.bias", { value: network.biases[map.layer - 1][map.unit].toFixed(3) }) : "";
      const name = this.unitName(map, last);
      this.canvases[k].title = t("network.unit", { unit: name, min: map.min, max: map.max, bias });
      this.canvases[k].setAttribute("aria-label", name);
    });
    let k = 0;
    network.weights.forEach((matrix) => matrix.forEach((row) => row.forEach((w) => {
      this.links[k++].firstChild.textContent = t("network.weight", { w: w.toFixed(3) });
    })));
  }

  unitName(map, last) {
    if (map.layer === 0) return t("network.input", { name: this.network.inputs[map.unit] });
    if (map.layer === last && this.network.outputs) {
      const name = this.network.outputs[map.unit];
      return t("network.output", { name: name === "prediction" ? t("network.prediction") : name });
    }
    return t("network.neuron", { layer: layerName(map.layer, last), n: map.unit + 1 });
  }

  position(layer, unit, sizes, width, height) {
    const x = sizes.length === 1 ? 0 : (layer * (width - BOX)) / (sizes.length - 1);
    const column = sizes[layer] * BOX + (sizes[layer] - 1) * GAP;
    const y = (height - column) / 2 + unit * (BOX + GAP);
    return { x, y };
  }

  build(network, maps, signature) {
    this.signature = signature;
    const sizes = network.sizes;
    const width = Math.max(this.container.clientWidth, 300);
    const height = diagramHeight(sizes);
    const svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", String(width));
    svg.setAttribute("height", String(height));
    this.links = [];
    for (let layer = 0; layer < sizes.length - 1; layer++) {
      for (let i = 0; i < sizes[layer]; i++) {
        for (let j = 0; j < sizes[layer + 1]; j++) {
          const from = this.position(layer, i, sizes, width, height);
          const to = this.position(layer + 1, j, sizes, width, height);
          const line = document.createElementNS(SVG, "line");
          line.setAttribute("x1", String(from.x + BOX));
          line.setAttribute("y1", String(from.y + BOX / 2));
          line.setAttribute("x2", String(to.x));
          line.setAttribute("y2", String(to.y + BOX / 2));
          line.append(document.createElementNS(SVG, "title"));
          svg.append(line);
          this.links.push(line);
        }
      }
    }
    this.canvases = maps.map((map) => {
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = network.side;
      canvas.className = "unit";
      const { x, y } = this.position(map.layer, map.unit, sizes, width, height);
      canvas.style.left = `${x}px`;
      canvas.style.top = `${y}px`;
      // A button to the keyboard and to a screen reader too: Tab to it, Enter or Space.
      canvas.tabIndex = 0;
      canvas.setAttribute("role", "button");
      canvas.addEventListener("click", () => this.enlarge(map.layer, map.unit));
      canvas.addEventListener("keydown", (event) => {
        if (event.key !== "Enter" && event.key !== " ") return;
        event.preventDefault();
        this.enlarge(map.layer, map.unit);
      });
      return canvas;
    });
    this.container.replaceChildren(svg, ...this.canvases);
  }

  enlarge(layer, unit) {
    const network = this.network;
    const map = this.maps.find((m) => m.layer === layer && m.unit === unit);
    const canvas = this.dialog.querySelector("canvas");
    canvas.width = canvas.height = network.side;
    paint(canvas, map, network.side, this.palette.unit);
    const name = this.unitName(map, network.sizes.length - 1);
    const text = t("network.enlarged", { unit: name, min: map.min, max: map.max });
    this.dialog.querySelector("p").textContent = text + this.incoming(map);
    this.dialog.showModal();
  }

  // The weights a unit receives, each with the unit it comes from, and its bias.
  incoming(map) {
    if (map.layer === 0) return "";
    const { weights, biases, sizes } = this.network;
    const last = sizes.length - 1;
    const list = weights[map.layer - 1].map((row, i) => t("network.from", {
      unit: this.unitName({ layer: map.layer - 1, unit: i }, last), w: row[map.unit].toFixed(3),
    }));
    return t("network.incoming", { list: list.join("; "), bias: biases[map.layer - 1][map.unit].toFixed(3) });
  }
}
