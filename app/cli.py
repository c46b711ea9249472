"""`layerscope`: serve the app with uvicorn.

Binds 127.0.0.1 unless told otherwise: a classroom server is opened up on purpose, with
``--host 0.0.0.0``. ``--production`` leaves out the API documentation pages; ``--access-log``
logs every request. uvicorn handles
SIGTERM and Ctrl-C itself: it stops accepting requests, lets the ones under way finish, then
runs the app's shutdown (which stops the trainer).
"""

from __future__ import annotations

import argparse
import os

import uvicorn

from app.main import create_app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve LayerScope.")
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    parser.add_argument(
        "--production",
        action="store_true",
        default=os.environ.get("LAYERSCOPE_PRODUCTION") == "1",
        help="no API docs pages (/docs, /redoc, /openapi.json); also LAYERSCOPE_PRODUCTION=1",
    )
    parser.add_argument(
        "--access-log",
        action="store_true",
        help="log every request (off by default: each training tab asks for about 10 frames a"
        " second, and a class's log would be nothing but polls)",
    )
    args = parser.parse_args(argv)
    print(f"LayerScope on http://{args.host}:{args.port}")
    app = create_app(docs=not args.production)
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        timeout_graceful_shutdown=5,
        access_log=args.access_log,
    )


if __name__ == "__main__":
    main()
