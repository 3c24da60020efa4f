"""The moto server of the local stack, with its state kept in a folder.

    python -m infra.local.moto_server --port P [--state DIR] [--fresh]

moto keeps everything in memory. This process wraps moto's WSGI application
in `StateKeeper` (infra/local/state.py): every request that changes something
is written to a journal before moto's answer leaves this process, and the
whole state is pickled into a snapshot now and then and when the process
stops. On start the snapshot is loaded and the journal's tail replayed, so a
stop at any moment (even a kill of the whole process group) loses nothing
that was answered. Without --state nothing is written.

The process ignores SIGINT (Ctrl-C reaches the whole process group: the stack
stops it in order, with SIGTERM) and ends when its parent has gone.
"""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .state import StateKeeper

PARENT_CHECK_SECONDS = 0.5


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m infra.local.moto_server")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state", type=Path, default=None, help="keep the state in this folder")
    parser.add_argument("--fresh", action="store_true", help="forget what the state folder holds")
    parser.add_argument("--snapshot-seconds", type=float, default=30.0,
                        help="snapshot this often while something changed (the journal covers the rest)")
    args = parser.parse_args(argv)

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler, create_backend_app
    from werkzeug.serving import make_server

    from . import moto_queries, moto_transactions
    from .moto_process import IN_USE_EXIT_CODE
    from .state import StateFolderInUse, StateKeeper

    moto_transactions.install()  # all or nothing as DynamoDB, without copying whole tables
    moto_queries.install()  # a query reads what its key can match, not the whole table sorted

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    keeper = StateKeeper(DomainDispatcherApplication(create_backend_app), args.state, fresh=args.fresh,
                         fsync=os.environ.get("LOCAL_STATE_FSYNC") == "1")
    try:
        keeper.open()
    except StateFolderInUse as error:
        print(error, file=sys.stderr, flush=True)
        return IN_USE_EXIT_CODE
    server = make_server(args.host, args.port, keeper, threaded=True, request_handler=MotoRequestHandler)

    def stop(*_: object) -> None:
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    parent = os.getppid()
    threading.Thread(target=_watch_parent, args=(parent, stop), daemon=True).start()
    if args.state is not None:
        threading.Thread(target=_snapshot_now_and_then, args=(keeper, args.snapshot_seconds),
                         daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.1)
    finally:
        keeper.close()
    return 0


def _watch_parent(parent: int, stop: Callable[[], None]) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    stop()


def _snapshot_now_and_then(keeper: StateKeeper, seconds: float) -> None:
    while True:
        time.sleep(seconds)
        if keeper.changed_since_snapshot():
            keeper.snapshot()


if __name__ == "__main__":
    sys.exit(main())
