"""Faults against a real uvicorn on 127.0.0.1: clients that hang up mid-request, give up
waiting, or send their body too slowly. The server must stay up, serve everyone else, and
leave every session whole and usable.

Every socket has a timeout and every wait a deadline, so a broken server fails these tests
rather than hanging them.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from waiting import wait_for

from benchmarks.server import running_server

# Seconds any one answer may take here: a bound against a hang, not a measure of speed (the
# longest request here, 1000 steps of a 6-layer network, takes well under a second).
TIMEOUT = 60.0


@pytest.fixture(scope="module")
def server_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("server") / "uvicorn.log"


@pytest.fixture(scope="module")
def port(server_log: Path) -> Iterator[int]:
    # With every request logged, so that no_server_errors sees the status of each answer.
    command = ("-m", "app.cli", "--access-log", "--port")
    with server_log.open("w+b") as log, running_server(*command, log=log) as up:
        yield up[1]


@pytest.fixture(autouse=True)
def no_server_errors(server_log: Path) -> Iterator[None]:
    """A fault on the client's side is no error of the server's: none is logged, no 5xx sent.
    (A hang-up during a CSV upload used to end in an unhandled ClientDisconnect.)"""
    start = server_log.stat().st_size
    yield
    log = server_log.read_text()[start:]  # what this test's requests logged
    assert "Traceback" not in log and "Exception in ASGI" not in log, log[-3000:]
    assert re.search(r'" 5\d\d ', log) is None, log[-3000:]


def test_the_log_shows_every_answers_status(port: int, server_log: Path):
    start = server_log.stat().st_size
    assert request(port, "GET", "/healthz")[0] == 200
    # The log is written after the answer.
    wait_for(lambda: re.search(r'"GET /healthz HTTP/1.1" 200', server_log.read_text()[start:]))


def request(
    port: int, method: str, path: str, body: object = None, timeout: float = TIMEOUT
) -> tuple[int, object]:
    """One request on a fresh connection: (status, parsed JSON body or None)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json"} if data is not None else {}
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        raw = response.read()
        return response.status, json.loads(raw) if raw else None
    finally:
        connection.close()


def new_session(port: int, **config: object) -> str:
    status, body = request(port, "POST", "/api/sessions", config)
    assert status == 201
    return body["session_id"]


def raw_socket(port: int) -> socket.socket:
    return socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT)


def hang_up_hard(sock: socket.socket) -> None:
    """Close with a reset (SO_LINGER 0), as a crashed client or a dropped network would."""
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def head(method: str, path: str, port: int, length: int, content_type: str) -> bytes:
    return (
        f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
    ).encode()


def assert_whole_and_usable(port: int, sid: str, step: int) -> None:
    """The session is at `step`, its frame agrees, and it carries on from there."""
    status, summary = request(port, "GET", f"/api/sessions/{sid}")
    assert status == 200 and summary["step"] == step and summary["training"] is False
    status, frame = request(port, "GET", f"/api/sessions/{sid}/frame")
    assert status == 200 and frame["step"] == step
    status, after = request(port, "POST", f"/api/sessions/{sid}/step", {"steps": 2})
    assert status == 200 and after["step"] == step + 2
    assert after["revision"] > frame["revision"]
    assert request(port, "GET", "/healthz")[0] == 200


def csv_of(port: int, sid: str) -> bytes:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request("GET", f"/api/sessions/{sid}/data.csv")
        return connection.getresponse().read()
    finally:
        connection.close()


def test_a_client_that_hangs_up_in_the_middle_of_its_request(port):
    sid = new_session(port, n_points=50)
    request(port, "POST", f"/api/sessions/{sid}/step", {"steps": 3})
    points = csv_of(port, sid)
    step = json.dumps({"steps": 50}).encode()
    csv = b"x1,x2,label\n" + b"0.5,0.5,A\n" * 20
    partial = [  # each stops short of the body its headers promise
        ("POST", "/step", "application/json", step, 1),
        ("POST", "/step", "application/json", step, len(step) - 1),
        ("PUT", "/data.csv", "text/csv", csv, len(csv) // 2),
    ]
    for method, path, content_type, body, cut in partial:
        sock = raw_socket(port)
        sock.sendall(head(method, f"/api/sessions/{sid}{path}", port, len(body), content_type))
        sock.sendall(body[:cut])
        time.sleep(0.05)  # let the server start on it
        hang_up_hard(sock)
    sock = raw_socket(port)
    sock.sendall(f"GET /api/sessions/{sid}/fra".encode())  # not even a whole request line
    hang_up_hard(sock)
    # None of those requests was whole, so none was carried out.
    assert csv_of(port, sid) == points
    assert_whole_and_usable(port, sid, 3)


def test_a_client_that_hangs_up_before_reading_the_answer(port):
    """The request is whole, so the server carries it out; the answer goes nowhere."""
    sid = new_session(port, n_points=1000, hidden_layers=[8, 8, 8, 8, 8, 8])
    body = json.dumps({"steps": 1000}).encode()  # about 0.3 s of work
    sock = raw_socket(port)
    sock.sendall(
        head("POST", f"/api/sessions/{sid}/step", port, len(body), "application/json") + body
    )
    # Once the answer's first byte is here (looked at, not read), the server has surely read
    # the request. (Hung up at once, uvicorn may see the hang-up before the app reads the body,
    # and drop it whole.) The client then hangs up without reading the answer.
    assert sock.recv(1, socket.MSG_PEEK) == b"H"
    hang_up_hard(sock)
    wait_for(lambda: request(port, "GET", f"/api/sessions/{sid}")[1]["step"] == 1000)
    assert_whole_and_usable(port, sid, 1000)


def test_a_client_that_hangs_up_while_reading_a_large_answer(port):
    sid = new_session(port, dataset="spiral-arms", classes=5, n_points=1000)
    for _ in range(3):
        sock = raw_socket(port)
        sock.sendall(
            f"GET /api/sessions/{sid}/frame HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode()
        )
        assert sock.recv(64).startswith(b"HTTP/1.1 200")  # the frame is ~200 KB: far from read
        hang_up_hard(sock)
    assert_whole_and_usable(port, sid, 0)


def test_a_request_the_client_gave_up_on_leaves_the_session_consistent(port):
    sid = new_session(port, n_points=1000, hidden_layers=[8, 8, 8, 8, 8, 8])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        body = json.dumps({"steps": 1000}).encode()
        headers = {"Content-Type": "application/json"}
        connection.request("POST", f"/api/sessions/{sid}/step", body=body, headers=headers)
        # Sent whole; 1000 steps of a 6-layer network take far longer than the client waits.
        connection.sock.settimeout(0.05)
        with pytest.raises(TimeoutError):
            connection.getresponse()
    finally:
        connection.close()
    # The server finishes the request it was given (the answer is lost), then the session
    # goes on as if the client had waited.
    wait_for(lambda: request(port, "GET", f"/api/sessions/{sid}")[1]["step"] == 1000)
    assert_whole_and_usable(port, sid, 1000)


@pytest.mark.parametrize(
    "path, content_type",
    [("/step", "application/json"), ("/data.csv", "text/csv")],
)
def test_a_slow_body_does_not_hold_up_other_clients(port, path, content_type):
    sid = new_session(port, n_points=50)
    other = new_session(port)
    method = "PUT" if path == "/data.csv" else "POST"
    stalled = []
    try:
        for _ in range(10):  # ten clients promise 1000 bytes, send 10 and stall
            sock = raw_socket(port)
            sock.sendall(head(method, f"/api/sessions/{sid}{path}", port, 1000, content_type))
            sock.sendall(b'{"steps": ')
            stalled.append(sock)
        # The stalled clients keep their connections until the end: had they held up the
        # server (or the session), these answers would never come, and time out.
        assert request(port, "GET", "/healthz")[0] == 200
        status, frame = request(port, "POST", f"/api/sessions/{other}/step", {"steps": 5})
        assert status == 200 and frame["step"] == 5
        # The stalled bodies are waited for without holding the session either.
        status, frame = request(port, "POST", f"/api/sessions/{sid}/step", {"steps": 1})
        assert status == 200 and frame["step"] == 1
    finally:
        for sock in stalled:
            hang_up_hard(sock)
    assert_whole_and_usable(port, sid, 1)
