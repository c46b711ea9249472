"""Faults and hostile input in a real browser: a forgotten session, a stopped server, and text
from files that must never run as HTML."""

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PAYLOAD = '<img src=x onerror="window.__xss = 1">'


def session_id(page):
    return page.evaluate("() => window.layerscope.sessionId()")


@pytest.mark.expects_http_errors
def test_a_forgotten_session_is_replaced_with_the_same_settings(page, server_url):
    page.select_option("#dataset", "xor")
    expect(page.locator("#step-count")).to_have_text("0")
    old = session_id(page)
    # What a restarted server looks like to an open page: its session is unknown.
    assert page.request.delete(f"{server_url}/api/sessions/{old}").ok
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#message")).to_contain_text("a new run has started")
    expect(page.locator("#step-count")).to_have_text("1")
    assert session_id(page) != old
    expect(page.locator("#dataset")).to_have_value("xor")


@pytest.mark.expects_http_errors
def test_file_contents_and_names_are_shown_as_text_never_run(page, tmp_path):
    # A CSV whose cells and name carry markup: the page reports the bad row as text.
    bad = tmp_path / f"{PAYLOAD}.csv"
    bad.write_text(f"x1,x2,label\n{PAYLOAD},0,1\n")
    page.set_input_files("#upload-csv", bad)
    expect(page.locator("#message")).to_contain_text("row")
    # A network file that is not JSON, and one whose fields carry markup.
    junk = tmp_path / "junk.json"
    junk.write_text(PAYLOAD)
    page.set_input_files("#import-file", junk)
    expect(page.locator("#message")).to_contain_text("not JSON")
    hostile = tmp_path / "hostile.json"
    hostile.write_text(json.dumps({"format": PAYLOAD, "version": 1, "config": {}, "layers": []}))
    page.set_input_files("#import-file", hostile)
    expect(page.locator("#message")).to_contain_text("format")
    # A good CSV with that name: the name appears in the message, as characters.
    good = tmp_path / f"{PAYLOAD}-good.csv"
    good.write_text("x1,x2,label\n0.1,0.2,0\n0.5,0.5,1\n")
    page.set_input_files("#upload-csv", good)
    expect(page.locator("#message")).to_contain_text("<img src=x")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__xss") is None
    assert page.locator("#message img, .layer img, #input-legend img").count() == 0


@pytest.mark.expects_http_errors
def test_a_stopped_server_is_reported_not_crashed(page):
    # Every API call fails at the network level, as when the server is down.
    page.route("**/api/**", lambda route: route.abort())
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#message")).to_contain_text("does not answer")
    page.unroute("**/api/**")
    page.get_by_role("button", name="Step", exact=True).click()
    expect(page.locator("#step-count")).to_have_text("1")
