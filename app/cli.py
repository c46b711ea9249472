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
# Read by app/main.py and app/api/limits.py (not imported here: `layerscope --help` stays quick).
MAX_SESSIONS_ENV, SESSIONS_PER_MINUTE_ENV = (
    "LAYERSCOPE_MAX_SESSIONS",
    "LAYERSCOPE_SESSIONS_PER_MINUTE",
)


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
        "--max-sessions",
        type=int,
        default=int(os.environ.get(MAX_SESSIONS_ENV) or 1000),
        help="sessions the store keeps (default 1000); a new one never drops one in use, so a"
        f" store full of sessions in use refuses new ones (503); also {MAX_SESSIONS_ENV}",
    )
    p.add_argument(
        "--sessions-per-minute",
        type=int,
        default=int(os.environ.get(SESSIONS_PER_MINUTE_ENV) or 120),
        help="new sessions one client address may start a minute (default 120: a class behind"
        f" one NAT address shares it); also {SESSIONS_PER_MINUTE_ENV}",
    )
    p.add_argument(
        "--forwarded-allow-ips",
        default=os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
        help="addresses of the reverse proxies whose X-Forwarded-For header names the client"
        " (comma-separated, or '*' for any; default 127.0.0.1, as uvicorn's); from any other"
        " address the header is ignored; also FORWARDED_ALLOW_IPS",
    )
    p.add_argument(
        "--access-log",
        action="store_true",
        help="log every request (off by default: each training tab asks for about 20 frames a"
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
    if args.max_sessions < 1 or args.sessions_per_minute < 1:
        p.error("--max-sessions and --sessions-per-minute must be at least 1")
    os.environ[STORE_ENV] = args.store
    os.environ[MAX_SESSIONS_ENV] = str(args.max_sessions)
    os.environ[SESSIONS_PER_MINUTE_ENV] = str(args.sessions_per_minute)
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
        # Behind a proxy, the client's address (for the new-sessions limit) comes from
        # X-Forwarded-For only when the proxy is one of these.
        proxy_headers=True,
        forwarded_allow_ips=args.forwarded_allow_ips,
    )


if __name__ == "__main__":
    main()
