"""The timer the slider benchmarks share: the median of repeated calls, in milliseconds."""
import statistics
import time


def median_ms(action, repeats=15):
    """Call ``action(i)`` for i = 0..repeats-1 after one warm-up call; return the median in ms.

    The warm-up (``action(repeats)``) pays for first-call costs such as caches and font loading,
    which a student moving a slider pays only once.
    """
    action(repeats)
    times = []
    for i in range(repeats):
        start = time.perf_counter()
        action(i)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)
