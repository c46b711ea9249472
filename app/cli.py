"""`layerscope`: serve the app with uvicorn.

Binds 127.0.0.1 unless told otherwise: a classroom server is opened up on purpose, with
``--host 0.0.0.0``. One process keeps its sessions in memory; several worker processes
(``--workers``), or several hosts, share them in Redis (``--store redis://...``). uvicorn
handles SIGTERM and Ctrl-C itself: it stops accepting requests, lets the ones under way finish,
then runs the app's shutdown.
"""

from __future__ import annotations

import argparse
import os

import uvicorn

# The app's own settings reach every worker process through the environment: uvicorn starts
# each worker with ``create_app()`` and no arguments (app/main.py reads these).
STORE_ENV, PRODUCTION_ENV = "LAYERSCOPE_STORE", "LAYERSCOPE_PRODUCTION"


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="layerscope", description="Serve LayerScope.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="worker processes (default 1); more than one needs a shared --store",
    )
    p.add_argument(
        "--store",
        default=os.environ.get(STORE_ENV, "memory"),
        help="where sessions live: 'memory' (this process, the default) or a Redis URL such as"
        f" redis://127.0.0.1:6379/0 (shared by every worker and host); also {STORE_ENV}",
    )
    p.add_argument(
        "--production",
        action="store_true",
        default=os.environ.get(PRODUCTION_ENV) == "1",
        help=f"no API docs pages (/docs, /redoc, /openapi.json); also {PRODUCTION_ENV}=1",
    )
    p.add_argument(
        "--access-log",
        action="store_true",
        help="log every request (off by default: each training tab asks for about 10 frames a"
        " second, and a class's log would be nothing but polls)",
    )
    return p


def main(argv: list[str] | None = None) -> None:
    p = parser()
    args = p.parse_args(argv)
    if args.workers < 1:
        p.error("--workers must be at least 1")
    if args.workers > 1 and args.store == "memory":
        # Each process would have sessions of its own, and a tab's requests, spread over the
        # processes, would find its session only now and then.
        p.error(
            "--workers above 1 needs a shared store: add --store redis://HOST:PORT/DB"
            " (docs/running-for-a-class.md says how to run Redis)"
        )
    if args.store != "memory" and not args.store.startswith(("redis://", "rediss://", "unix://")):
        p.error("--store must be 'memory' or a URL such as redis://127.0.0.1:6379/0")
    os.environ[STORE_ENV] = args.store
    os.environ[PRODUCTION_ENV] = "1" if args.production else "0"
    print(f"LayerScope on http://{args.host}:{args.port}", flush=True)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        timeout_graceful_shutdown=5,
        access_log=args.access_log,
    )


if __name__ == "__main__":
    main()
