"""Running requests at the same instant from several threads, for race tests."""

import threading
from collections.abc import Callable
from typing import Any

from django.db import connection


def run_together(count: int, target: Callable[[int], Any]) -> list[Any]:
    """Calls `target(i)` for i in 0..count-1, each in its own thread, all released at once
    by a barrier; each thread closes its own database connection when done."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def worker(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target(index)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results
