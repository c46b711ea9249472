"""The page's files: found wherever the package is installed, served under a version, compressed.

Every static file, and the Plotly.js inside the installed ``plotly`` package, is served at
``/static/<version>/<path>``, where the version is a short hash of the static files' contents and
Plotly's version, worked out once when the app is made. A browser may keep such a file for a
year without asking again (a class's second visit downloads none of them), and a new release
changes every URL, so no browser is left with a stale module. The page's ES modules import each
other by relative paths, which inherit the version. Another version is a 404: two servers of
different releases behind one balancer must not answer each other's URLs with the wrong file.

Text files go out gzipped to clients that accept it, each compressed once, at its first request,
and kept in memory (Plotly.js is 4.8 MB, 1.47 MB gzipped). Brotli is not offered: browsers ask
for it only over HTTPS, which the app does not speak itself (measured in benchmarks/RESULTS.md).
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import plotly
from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

PACKAGE = Path(__file__).resolve().parent.parent
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
PLOTLY_PATH = "vendor/plotly.min.js"  # where Plotly.js appears among the static files
IMMUTABLE = "public, max-age=31536000, immutable"
PAGE_GZIP_LEVEL = 6  # the page is rendered for each request: a quick level (files get 9, once)


def page_directory(name: str) -> Path:
    """``static`` or ``templates``: inside the package when it was installed from a wheel (the
    build maps them in, see pyproject.toml), beside it in a checkout or an editable install."""
    for place in (PACKAGE / name, PACKAGE.parent / name):
        if place.is_dir():
            return place
    raise FileNotFoundError(f"no {name}/ directory in {PACKAGE} or beside it")


def media_type(path: str) -> str:
    # Some systems' MIME tables still call .js application/x-javascript; browsers want this.
    if path.endswith(".js"):
        return "text/javascript"
    return mimetypes.guess_type(path)[0] or "application/octet-stream"


def compressible(media: str) -> bool:
    """Text compresses; images such as PNG are compressed already."""
    return media.startswith("text/") or media.endswith(("+xml", "json"))


def accepts_gzip(accept_encoding: str) -> bool:
    """Whether an Accept-Encoding header takes gzip: named with a nonzero q, or covered by ``*``
    without being refused (``gzip;q=0``)."""
    weights = {}
    for item in accept_encoding.lower().split(","):
        coding, _, params = item.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        weights[coding.strip()] = q
    for name in ("gzip", "x-gzip"):
        if name in weights:
            return weights[name] > 0
    return weights.get("*", 0) > 0


class Assets:
    """The static files as they were when the app was made (their bytes are kept, so what is
    served always matches the version it is served under), Plotly.js read at its first request,
    and each one's gzipped form made at its first request for it."""

    def __init__(self, directory: Path, plotly_js: Path = PLOTLY_JS) -> None:
        self.contents = {
            path.relative_to(directory).as_posix(): path.read_bytes()
            for path in sorted(directory.rglob("*"))
            if path.is_file()
        }
        if PLOTLY_PATH in self.contents:
            raise ValueError(f"static/{PLOTLY_PATH} would hide the vendored Plotly.js")
        self.plotly_js = plotly_js
        digest = hashlib.sha256(f"plotly {plotly.__version__}".encode())
        for path, body in self.contents.items():
            digest.update(f"\0{path}\0{len(body)}\0".encode())
            digest.update(body)
        self.version = digest.hexdigest()[:10]
        self._made: dict[tuple[str, str], bytes] = {}  # (form, path): Plotly.js, gzipped files
        self._lock = threading.Lock()
        self._locks: dict[tuple[str, str], threading.Lock] = {}

    def url(self, path: str) -> str:
        """The versioned URL of a static file, e.g. ``js/main.js`` (or ``vendor/plotly.min.js``).
        A name that is not there fails the page's rendering, rather than making a dead link."""
        if path not in self.contents and path != PLOTLY_PATH:
            raise KeyError(f"no static file {path!r}")
        return f"/static/{self.version}/{path}"

    def body(self, path: str) -> bytes:
        if path == PLOTLY_PATH:
            return self._once(("plain", path), self.plotly_js.read_bytes)
        return self.contents[path]

    def gzipped(self, path: str) -> bytes:
        return self._once(("gzip", path), lambda: gzip.compress(self.body(path), 9, mtime=0))

    def _once(self, key: tuple[str, str], make: Callable[[], bytes]) -> bytes:
        """What ``make`` gives, made the first time only. A lock for each: a class arriving at
        once waits for one compression of Plotly.js rather than running a hundred, and a small
        file is not held up behind it."""
        if key not in self._made:
            with self._lock:
                lock = self._locks.setdefault(key, threading.Lock())
            with lock:
                if key not in self._made:
                    self._made[key] = make()
        return self._made[key]

    def response(self, path: str, request: Request) -> Response:
        """The file, gzipped if the client takes it, with headers for a year's caching."""
        if path not in self.contents and path != PLOTLY_PATH:
            raise HTTPException(404, "Not found")
        media = media_type(path)
        use_gzip = compressible(media) and accepts_gzip(request.headers.get("accept-encoding", ""))
        body = self.gzipped(path) if use_gzip else self.body(path)
        return encoded_response(body, media, IMMUTABLE, "gzip" if use_gzip else None)


def encoded_response(body: bytes, media: str, cache_control: str, encoding: str | None) -> Response:
    """``body`` as it is, with its length, encoding and caching headers (a HEAD request gets
    the same headers and no body: see HeadAsGet in app/api/limits.py)."""
    headers = {
        "cache-control": cache_control,
        # Caches between here and the browser keep gzipped and plain answers apart.
        "vary": "Accept-Encoding",
        "content-length": str(len(body)),
    }
    if encoding:
        headers["content-encoding"] = encoding
    return Response(body, media_type=media, headers=headers)


def page_response(html: str, request: Request) -> Response:
    """The HTML page: gzipped if the client takes it, and never used again without asking (its
    URLs name the current version of every file)."""
    body = html.encode()
    if accepts_gzip(request.headers.get("accept-encoding", "")):
        return encoded_response(
            gzip.compress(body, PAGE_GZIP_LEVEL, mtime=0), "text/html", "no-cache", "gzip"
        )
    return encoded_response(body, "text/html", "no-cache", None)


def get_assets(request: Request) -> Assets:
    return request.app.state.assets


AssetsDep = Annotated[Assets, Depends(get_assets)]
router = APIRouter()


@router.get("/static/{version}/{path:path}", include_in_schema=False)
def static_file(version: str, path: str, request: Request, assets: AssetsDep) -> Response:
    """A static file or Plotly.js, under this release's version only. (A plain ``def``: the
    first request for a file compresses it, in the thread pool rather than the event loop.)"""
    if version != assets.version:
        raise HTTPException(404, "Not found")
    return assets.response(path, request)
