"""Issue 10, memory: reruns of each page must not grow the server's memory (≤ 50 MB over 200 reruns).

The count is small in CI (ANNDL_RERUNS, default 10); `ANNDL_RERUNS=200 pytest tests/app/test_memory.py -s`
gives the issue's figure. Growth is measured after a warm-up (imports, shipped models, caches filled).
"""

import gc
import os

import psutil
import pytest

from app.registry import built_topics
from tests.app.conftest import errors, open_app

RERUNS = int(os.environ.get("ANNDL_RERUNS", "10"))
WARM = 5


def rss_mb() -> float:
    gc.collect()
    return psutil.Process().memory_info().rss / 2**20


@pytest.mark.slow
@pytest.mark.parametrize("page", [t.page.removesuffix(".py") for t in built_topics()])
def test_reruns_do_not_grow_memory(page):
    at = open_app(page)
    for _ in range(WARM):
        at.run()
    start = rss_mb()
    for _ in range(RERUNS):
        at.run()
    growth = rss_mb() - start
    print(f"\n{page}: {RERUNS} reruns, RSS {start:.0f} MB -> {start + growth:.0f} MB ({growth:+.1f} MB)")
    assert not errors(at)
    assert growth <= 50 * RERUNS / 200 + 15, f"{growth:.1f} MB after {RERUNS} reruns"  # 50 MB / 200 + noise
