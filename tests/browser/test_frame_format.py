"""The page reads packed frames (static/js/frame_format.js) into the JSON's numbers, as typed
arrays that are views of the received bytes, and those arrays reach the plots uncopied."""

import base64

import numpy as np
import pytest
from browser_pages import open_page, versioned
from sent import assert_same_frame

from app.pictures.encoding import pack, quantized, unpack

pytestmark = pytest.mark.browser

DECODE_BOTH = versioned("""async ({ url }) => {
  const { PACKED_TYPE, unpackFrame } = await import("/static/js/frame_format.js");
  const packed = await fetch(url, { headers: { Accept: PACKED_TYPE } });
  const type = packed.headers.get("Content-Type");
  const decoded = unpackFrame(await packed.arrayBuffer());
  const sent = await (await fetch(url)).json();
  return { type, decoded, sent };
}""")


@pytest.mark.parametrize(
    "config",
    [
        {"dataset": "spiral", "hidden_layers": [8, 8]},
        {"dataset": "blobs", "classes": 4, "hidden_layers": [6, 3]},
        {"dataset": "gaussians", "hidden_layers": [4]},
    ],
)
def test_the_page_decodes_a_packed_frame_to_the_same_numbers(page, server_url, config):
    made = page.evaluate(
        """async (config) => (await (await fetch("/api/sessions", {
             method: "POST", headers: {"Content-Type": "application/json"},
             body: JSON.stringify(config)})).json()).session_id""",
        config,
    )
    page.evaluate(
        """async (id) => fetch(`/api/sessions/${id}/step`, {
             method: "POST", headers: {"Content-Type": "application/json"},
             body: JSON.stringify({steps: 25})})""",
        made,
    )
    got = page.evaluate(DECODE_BOTH, {"url": f"{server_url}/api/sessions/{made}/frame"})
    assert got["type"] == "application/x-layerscope-frame"
    assert got["decoded"]["step"] == 25
    assert_same_frame(got["decoded"], got["sent"])


# Each decoded item's kind (row by row), its values as JSON gives them (NaN a gap: null), and
# which arrays are views of the bytes received rather than copies.
DECODE_BYTES = versioned("""async (encoded) => {
  const { unpackFrame } = await import("/static/js/frame_format.js");
  const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
  const decoded = unpackFrame(bytes.buffer);
  const typed = (v) => ArrayBuffer.isView(v);
  const kind = (v) => (Array.isArray(v) ? v.map(kind) : typed(v) ? v.constructor.name : typeof v);
  const plain = (v) => {
    if (Array.isArray(v)) return v.map(plain);
    if (typed(v)) return Array.from(v, (x) => (Number.isNaN(x) ? null : x));
    if (v === null || typeof v !== "object") return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  };
  const rows = (v) => (Array.isArray(v) ? v.flatMap(rows) : [v]);
  const views = Object.keys(decoded).filter((key) => {
    const arrays = rows(decoded[key]);
    return arrays.length && arrays.every((a) => typed(a) && a.buffer === bytes.buffer);
  });
  const kinds = Object.fromEntries(Object.entries(decoded).map(([k, v]) => [k, kind(v)]));
  return { kinds, values: plain(decoded), views };
}""")


def test_the_page_reads_every_kind_of_array_as_python_does(page):
    content = {
        "floats": np.array([[1.5, np.nan], [-2.0, 1e300]]),
        "bytes": np.array([0, 7, 255]),
        "ints": np.array([-5, 70000]),
        "flags": np.array([True, False]),
        "scaled": quantized(np.array([-1.0, 0.25, 3.0])),
        "scalar": np.array(2.5),
        "cube": np.arange(8.0).reshape(2, 2, 2),
        "empty": np.zeros((0, 2)),
        "plain": {"text": "<b>", "list": [1, None]},
    }
    packed = pack(content)
    got = page.evaluate(DECODE_BYTES, base64.b64encode(packed).decode())
    expected = unpack(packed)
    decoded = got["values"]
    # Python reads back at JSON's 6 decimals; the page keeps every digit (of a float32).
    assert decoded.pop("scaled") == pytest.approx(expected.pop("scaled"), abs=1e-6)
    assert decoded == expected  # NaN read as a gap (null); flags as 1 and 0
    assert got["kinds"] == {
        "floats": ["Float32Array", "Float32Array"],
        "bytes": "Uint8Array",
        "ints": "Int32Array",
        "flags": "Uint8Array",
        "scaled": "Float32Array",
        "scalar": "number",
        "cube": [["Float32Array", "Float32Array"], ["Float32Array", "Float32Array"]],
        "empty": [],
        "plain": "object",
    }
    # Every array but the scaled bytes (numbers made from them) is the received bytes themselves.
    assert sorted(got["views"]) == ["bytes", "cube", "flags", "floats", "ints"]


POLL_TWICE = versioned("""async (config) => {
  const { SessionClient } = await import("/static/js/api.js");
  const { ConfigState } = await import("/static/js/state.js");
  const asked = [];
  const fetchAll = window.fetch;
  window.fetch = (url, options) => { asked.push(String(url)); return fetchAll(url, options); };
  try {
    const client = new SessionClient(new ConfigState());
    await client.create(config);
    await client.step(7);
    const first = await client.frame();
    await client.step(3);
    const second = await client.frame();  // with known=: put back together by the page
    const sent = await (await fetchAll(`/api/sessions/${client.id}/frame`)).json();
    return { first, second, sent, asked, id: client.id };
  } finally {
    window.fetch = fetchAll;
  }
}""")


def test_the_page_puts_back_what_a_frame_left_out(page, server_url):
    page.goto(server_url)
    got = page.evaluate(POLL_TWICE, {"dataset": "circle", "hidden_layers": [8, 8]})
    # This client's frame requests (the page itself may be asking for its own session's frames)
    frames = [url for url in got["asked"] if f"/{got['id']}/frame" in url]
    assert "known=" not in frames[0]
    assert f"known={got['first']['data_id']}" in frames[1]
    assert got["second"]["step"] == 10
    assert_same_frame(got["second"], got["sent"])


# What the plots were given, against the frame the page drew last (window.layerscope.frame()):
# the kind of each array, whether it is the very array the frame holds, and how many buffers
# the first hidden layer's arrays and the network's weights come from.
PANEL_ARRAYS = """() => {
  const frame = window.layerscope.frame();
  const layer = frame.layers[1];
  const plane = document.querySelector("#plot-input");
  const traces = document.querySelector("#layer-plot-1").overlay.traces;
  const [vertical, horizontal] = traces;  // the grid's two families of lines come first
  const points = traces.at(-1);
  const planePoints = plane.overlay.traces.at(-1);
  const arrays = [vertical.x, horizontal.y, points.x, points.y, planePoints.x, plane.data[0].z[0],
    frame.data.labels, frame.data.is_test];
  return {
    kinds: arrays.map((a) => a.constructor.name),
    same: [vertical.x === layer.grid.vertical.x, horizontal.y === layer.grid.horizontal.y,
      points.x === layer.points.x, points.y === layer.points.y,
      planePoints.x === frame.layers[0].points.x, plane.data[0].z === frame.boundary.p],
    buffers: new Set([layer.grid.vertical.x, layer.grid.horizontal.y, layer.points.x,
      layer.boundary.x, frame.network.weights[0][0]].map((a) => a.buffer)).size,
    gaps: [Array.from(vertical.x).filter(Number.isNaN).length, layer.grid.lines],
  };
}"""


def test_a_packed_frames_arrays_reach_the_panels_uncopied(page):
    got = page.evaluate(PANEL_ARRAYS)
    assert got["kinds"] == ["Float32Array"] * 6 + ["Uint8Array"] * 2
    assert got["same"] == [True] * 6  # the frame's own arrays, not copies of them
    assert got["buffers"] == 1  # views of the one body received
    lines, expected = got["gaps"]
    assert lines == expected == 11  # a NaN after each grid line: the gaps the overlay leaves


TIES = """() => {
  const frame = window.layerscope.frame();
  const ties = document.querySelector("#layer-plot-2").overlay.traces
    .find((t) => t.name === "tie lines");
  const given = frame.layers[2].ties;
  return { kind: ties.x.constructor.name, same: ties.x === given.x && ties.y === given.y,
           gaps: Array.from(ties.x).some(Number.isNaN) };
}"""


def test_the_tie_lines_drawn_are_the_frames_own(page, server_url):
    open_page(page, server_url, "dataset=blobs&classes=3&hidden_layers=8,2")
    page.locator("#layer-plot-2").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => document.querySelector('#layer-plot-2').overlay?.traces.some("
        "t => t.name === 'tie lines')"
    )
    assert page.evaluate(TIES) == {"kind": "Float32Array", "same": True, "gaps": True}
