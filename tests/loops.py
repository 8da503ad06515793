"""Run browser harnesses outside pytest-playwright's event loop.

pytest-playwright's sync fixtures leave an asyncio loop running in the main thread for the rest of the session,
so `asyncio.run` and `sync_playwright()` refuse to start there once an e2e test has used them; a fresh thread has
no running loop.
"""

from __future__ import annotations

import threading
from typing import Any, Callable


def in_fresh_thread(fn: Callable[..., Any], *args, **kwargs) -> Any:
    """fn(*args, **kwargs) in a new thread; its result, or its exception re-raised here."""
    out: dict[str, Any] = {}

    def target():
        try:
            out["value"] = fn(*args, **kwargs)
        except BaseException as exc:  # re-raised in the test's thread, with its traceback
            out["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join()
    if "error" in out:
        raise out["error"]
    return out["value"]
