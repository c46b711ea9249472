"""Faults against a real uvicorn on 127.0.0.1: clients that hang up mid-request, give up
waiting, send their body too slowly, send bodies far too large, or create sessions in a loop.
The server must stay up, serve everyone else, and leave every session whole and usable.

Every socket has a timeout and every wait a deadline, so a broken server fails these tests
rather than hanging them.
"""

from __future__ import annotations

import http.client
import json
import re
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flooding import LIMIT, check_flood, flood_while_training
from waiting import wait_for

from app.api.limits import IMPORT_MAX_BYTES
from benchmarks.server import running_server

# Seconds any one answer may take here: a bound against a hang, not a measure of speed (the
# longest request here, 1000 steps of a 6-layer network, takes well under a second).
TIMEOUT = 60.0


@pytest.fixture(scope="module")
def server_log(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("server") / "uvicorn.log"


@pytest.fixture(scope="module")
def server(server_log: Path) -> Iterator[tuple[subprocess.Popen, int]]:
    # With every request logged, so that no_server_errors sees the status of each answer.
    command = ("-m", "app.cli", "--access-log", "--port")
    with server_log.open("w+b") as log, running_server(*command, log=log) as up:
        yield up


@pytest.fixture(scope="module")
def port(server: tuple[subprocess.Popen, int]) -> int:
    return server[1]


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


# ---- bodies far too large -------------------------------------------------------------------


def start_upload(port: int, path: str, size: int, chunked: bool) -> tuple[socket.socket, dict]:
    """A body of ``size`` bytes (JSON whitespace) sent to ``path`` as fast as the server takes
    it, by a thread of its own, with its Content-Length or chunked. Returns the socket (its
    answer to read) and the upload's progress: bytes sent, and whether it was sent whole."""
    sock = raw_socket(port)
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    sock.sendall(
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\n{framing}\r\n\r\n".encode()
    )
    progress = {"sent": 0, "whole": False}

    def send() -> None:
        piece = b" " * (64 * 1024)
        try:
            while progress["sent"] < size:
                data = piece[: size - progress["sent"]]
                sock.sendall(b"%x\r\n%s\r\n" % (len(data), data) if chunked else data)
                progress["sent"] += len(data)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
            progress["whole"] = True
        except OSError:
            pass  # the server has answered and closed the connection: the rest is not wanted

    progress["thread"] = threading.Thread(target=send)
    progress["thread"].start()
    return sock, progress


def answer_to(sock: socket.socket) -> tuple[int, dict, dict]:
    """The status, headers and JSON body of the answer on ``sock``."""
    response = http.client.HTTPResponse(sock)
    response.begin()
    return response.status, dict(response.getheaders()), json.loads(response.read())


TOO_LARGE = {"detail": f"request body too large: at most {IMPORT_MAX_BYTES // 1024} KB"}


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_a_100_mb_body_is_refused_before_it_is_sent_and_nobody_waits(port, chunked):
    """A huge body is refused while it is still on its way, and other clients are served
    meanwhile. (How soon it is refused is the machine's speed: not a test's business.)"""
    sid = new_session(port)
    size = 100 * 1024 * 1024
    sock, upload = start_upload(port, f"/api/sessions/{sid}/import", size, chunked)
    try:
        # While the body is on its way, another client is served.
        assert request(port, "GET", "/healthz")[0] == 200
        healthz_before_the_end = not upload["whole"]
        status, headers, body = answer_to(sock)
        sent_when_answered = upload["sent"]
    finally:
        upload["thread"].join(TIMEOUT)
        hang_up_hard(sock)
    assert healthz_before_the_end
    assert (status, body) == (413, TOO_LARGE)
    assert headers["connection"] == "close"
    # Answered before the upload finished: the server did not wait for the body, and the
    # client, cut off, never sent it whole.
    assert sent_when_answered < size and not upload["whole"]
    assert_whole_and_usable(port, sid, 0)


def vm_kb(pid: int, field: str) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1])
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def test_eight_oversized_bodies_at_once_leave_the_servers_memory_where_it_was(server):
    """The server reads at most a body's limit (310 KB for an import) of each of eight 20 MB
    bodies: its peak resident memory while they come stays within 16 MB of where it was."""
    process, port = server
    sid = new_session(port)
    path, size = f"/api/sessions/{sid}/import", 20 * 1024 * 1024

    def refused(chunked: bool) -> int:
        sock, upload = start_upload(port, path, size, chunked)
        try:
            return answer_to(sock)[0]
        finally:
            upload["thread"].join(TIMEOUT)
            hang_up_hard(sock)

    assert refused(False) == refused(True) == 413  # each kind once: the code is loaded
    # Linux's peak resident memory (VmHWM), set back to the memory now (see proc(5)).
    with open(f"/proc/{process.pid}/clear_refs", "w") as clear:
        clear.write("5")
    before = vm_kb(process.pid, "VmRSS")
    statuses = []
    threads = [
        threading.Thread(target=lambda k=k: statuses.append(refused(k % 2 == 1))) for k in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    peak = vm_kb(process.pid, "VmHWM")
    assert statuses == [413] * 8
    assert peak - before < 16 * 1024, f"peak {peak} KB, {before} KB before"
    assert_whole_and_usable(port, sid, 0)


# ---- HEAD -----------------------------------------------------------------------------------


def test_head_of_the_page_is_200_with_no_body(port):
    sock = raw_socket(port)
    try:
        sock.sendall(f"HEAD / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        head = http.client.HTTPResponse(sock, method="HEAD")
        head.begin()
        assert head.status == 200 and int(head.getheader("content-length")) > 1000
        assert head.read() == b""
        # On the same connection, the next bytes are the next answer's: no body came between.
        sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        after = http.client.HTTPResponse(sock)
        after.begin()
        assert after.status == 200 and json.loads(after.read())["status"] == "ok"
    finally:
        sock.close()


# ---- sessions created in a loop -------------------------------------------------------------


def test_a_loop_creating_sessions_is_stopped_while_a_training_page_gets_its_frames():
    """One address gets its limit of new sessions a minute, and sessions in use are never
    dropped for new ones: a loop creating sessions cannot push out a student's."""
    limit = ("--sessions-per-minute", str(LIMIT))
    with running_server("-m", "app.cli", *limit, "--port") as (_, port):
        check_flood(*flood_while_training([f"http://127.0.0.1:{port}"]))


def test_x_forwarded_for_names_the_client_only_from_a_proxy_the_operator_named():
    def created(port: int, address: str) -> int:
        headers = {"X-Forwarded-For": address, "Content-Type": "application/json"}
        return request_with(port, "POST", "/api/sessions", headers)

    limit = ("--sessions-per-minute", "2")
    # By default uvicorn trusts 127.0.0.1 (a proxy on this computer): each forwarded address
    # has its own count.
    with running_server("-m", "app.cli", *limit, "--port") as (_, port):
        for address in ("192.0.2.10", "192.0.2.11"):
            assert [created(port, address) for _ in range(3)] == [201, 201, 429]
    # A proxy elsewhere named: the header from 127.0.0.1 is ignored, every request counts as
    # 127.0.0.1's.
    trusted = ("--forwarded-allow-ips", "192.0.2.1")
    with running_server("-m", "app.cli", *limit, *trusted, "--port") as (_, port):
        assert [created(port, "192.0.2.10"), created(port, "192.0.2.11")] == [201, 201]
        assert created(port, "192.0.2.12") == 429


def request_with(port: int, method: str, path: str, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=b"{}", headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
