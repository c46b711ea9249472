"""The page reads packed frames (static/js/frame_format.js) into the JSON's numbers."""

import base64

import numpy as np
import pytest
from browser_pages import versioned
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


DECODE_BYTES = versioned("""async (encoded) => {
  const { unpackFrame } = await import("/static/js/frame_format.js");
  const bytes = Uint8Array.from(atob(encoded), (c) => c.charCodeAt(0));
  return unpackFrame(bytes.buffer);
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
    decoded = page.evaluate(DECODE_BYTES, base64.b64encode(packed).decode())
    expected = unpack(packed)
    # Python reads back at JSON's 6 decimals; the page keeps every digit.
    assert decoded.pop("scaled") == pytest.approx(expected.pop("scaled"), abs=1e-6)
    assert decoded == expected


POLL_TWICE = versioned("""async (config) => {
  const { SessionClient } = await import("/static/js/api.js");
  const asked = [];
  const fetchAll = window.fetch;
  window.fetch = (url, options) => { asked.push(String(url)); return fetchAll(url, options); };
  try {
    const client = new SessionClient();
    await client.create(config);
    await client.step(7);
    const first = await client.frame();
    await client.step(3);
    const second = await client.frame();  // with known=: put back together by the page
    const sent = await (await fetchAll(`/api/sessions/${client.id}/frame`)).json();
    return { first, second, sent, asked };
  } finally {
    window.fetch = fetchAll;
  }
}""")


def test_the_page_puts_back_what_a_frame_left_out(page, server_url):
    page.goto(server_url)
    got = page.evaluate(POLL_TWICE, {"dataset": "circle", "hidden_layers": [8, 8]})
    frames = [url for url in got["asked"] if "/frame" in url]
    assert "known=" not in frames[0]
    assert f"known={got['first']['data_id']}" in frames[1]
    assert got["second"]["step"] == 10
    assert_same_frame(got["second"], got["sent"])
