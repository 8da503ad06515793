"""Run one page's reruns in a fresh process and print its RSS before and after (used by test_memory).

A fresh process measures the pages alone: in the suite's long-lived process, earlier tests' caches, threads and
allocator state moved the RSS by more than the budget. `python -m tests.app.memprobe 200 cnn perceptron` prints
one JSON row per page (the pages run one after the other in the one process, each after its own warm-up).
"""

import gc
import json
import sys

import psutil

from tests.app.conftest import errors, open_app

WARM = 5  # imports, shipped models and caches filled before the measurement starts


def rss_mb() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


def probe(page: str, reruns: int) -> dict:
    """RSS (MB) after the warm-up and after `reruns` more reruns of `page`, and the errors the page showed."""
    at = open_app(page)
    for _ in range(WARM):
        at.run()
    start = rss_mb()
    for _ in range(reruns):
        at.run()
    return {"page": page, "reruns": reruns, "start_mb": start, "end_mb": rss_mb(), "errors": errors(at)}


if __name__ == "__main__":
    for name in sys.argv[2:]:
        print(json.dumps(probe(name, int(sys.argv[1]))), flush=True)
