"""Run one page's reruns in a fresh process and print its RSS before and after (used by test_memory).

A fresh process measures the pages alone: in the suite's long-lived process, earlier tests' caches, threads and
allocator state moved the RSS by more than the budget. `python -m tests.app.memprobe 200 cnn perceptron` prints
one JSON row per page (the pages run one after the other in the one process, each after its own warm-up).
"""

import ctypes
import gc
import json
import sys

import psutil

from tests.app.conftest import errors, open_app

WARM = 4  # imports, shipped models and caches filled before the measurement starts


def rss_mb() -> float:
    """The process's RSS after a garbage collection, with the C allocator's free memory handed back to the OS."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)  # glibc keeps freed blocks; they are not a leak
    except (OSError, AttributeError):
        pass
    return psutil.Process().memory_info().rss / 2**20


def probe(page: str, reruns: int) -> dict:
    """RSS (MB) at the start and at the end of `reruns` reruns of `page` after a warm-up, and the page's errors.

    Start and end are the lowest of three samples each: a leak raises every sample, a transient peak only one.
    """
    at = open_app(page)
    for _ in range(WARM):
        at.run()
    samples = []
    for _ in range(max(reruns, 6)):
        at.run()
        samples.append(rss_mb())
    return {"page": page, "reruns": len(samples), "start_mb": min(samples[:3]), "end_mb": min(samples[-3:]),
            "errors": errors(at)}


if __name__ == "__main__":
    for name in sys.argv[2:]:
        print(json.dumps(probe(name, int(sys.argv[1]))), flush=True)
