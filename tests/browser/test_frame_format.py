"""The page reads packed frames (static/js/frame_format.js) into the JSON's numbers."""

import pytest
from sent import assert_same_frame

pytestmark = pytest.mark.browser

DECODE_BOTH = """async ({ url }) => {
  const { PACKED_TYPE, unpackFrame } = await import("/static/js/frame_format.js");
  const packed = await fetch(url, { headers: { Accept: PACKED_TYPE } });
  const type = packed.headers.get("Content-Type");
  const decoded = unpackFrame(await packed.arrayBuffer());
  const sent = await (await fetch(url)).json();
  return { type, decoded, sent };
}"""


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
