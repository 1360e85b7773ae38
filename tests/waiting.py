"""Waiting for something another process does (a worker, the scheduler), by polling with a deadline
rather than sleeping for a fixed time: the test goes on as soon as it can, and fails with what it
waited for when it cannot."""

from __future__ import annotations

import time
from collections.abc import Callable


def wait_for(condition: Callable[[], object], *, seconds: float, what: str, interval: float = 0.2) -> None:
    """Call ``condition`` every ``interval`` seconds until it returns something true; raise
    AssertionError naming ``what`` if it has not after ``seconds``. It is always called once more
    at the deadline, so a slow last poll is not lost."""
    deadline = time.monotonic() + seconds
    while True:
        if condition():
            return
        if time.monotonic() >= deadline:
            raise AssertionError(f"gave up after {seconds:g} s waiting for {what}")
        time.sleep(min(interval, max(deadline - time.monotonic(), 0)))
