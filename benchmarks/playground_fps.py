"""How smoothly the playground animates: pictures per second in a real browser while it plays.

Run from the project root:  python benchmarks/playground_fps.py [--seconds 10] [--epf 1,5]

It starts Voilà on notebook 13 from this Python (127.0.0.1, a free port, throw-away settings) and
opens the app in headless Chromium (Debian's, at /usr/bin/chromium) with a state in its address:
a 2-4-4-1 network (inputs x1 and x2, two hidden layers of four) on the default data (500 points),
every picture shown. For each epochs-per-frame value it opens a new page (so a new kernel), waits
for the first picture, presses play, and for ``--seconds`` seconds notes the time of every new
picture the page receives (every change of the image's source), then reads the epoch counter and
presses pause. The issue's target: at least 10 pictures per second for this network.

Columns: frames (new pictures in the window), frames/s, epochs/s (from the epoch counter), and
the median, 95th percentile and largest gap between two pictures, in ms.

This is a measurement, not a test: it prints a table and judges nothing.
"""
import argparse
import math
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))
sys.path.insert(0, str(ROOT))

import lab  # noqa: E402  (tests/browser/lab.py: the server, the browser)
from nbtools.playground_state import State, encode  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "13_playground.ipynb"
START_LIMIT = 120  # s: kernel start, imports and the first picture

# Note the time of every new source of the playground's picture, from now on.
WATCH_JS = """() => {
  const img = document.querySelector('.pg-image');
  const frames = window.__frames = [];
  new MutationObserver(() => frames.push(performance.now()))
    .observe(img, {attributes: true, attributeFilter: ['src']});
}"""

# Press play; the time it was pressed.
PLAY_JS = """() => {
  const t = performance.now();
  document.querySelector('.pg-play').click();
  return t;
}"""

# The times of the pictures so far, the time now, and the epoch counter's text.
READ_JS = """() => [window.__frames.slice(), performance.now(),
                    document.querySelector('.pg-epoch').textContent]"""
EPOCH_JS = "() => document.querySelector('.pg-epoch').textContent"

# The size of the picture shown: width and height in pixels, and kB of the image file.
PICTURE_JS = """async () => {
  const img = document.querySelector('.pg-image');
  const blob = await (await fetch(img.src)).blob();
  return [img.naturalWidth, img.naturalHeight, blob.size / 1000];
}"""


def epoch_of(text):
    found = re.search(r"epoch (\d+)", text)
    if not found:
        raise lab.LabError(f"the epoch counter says {text!r}, expected 'epoch N'")
    return int(found[1])


def percentile(values, q):
    """The q-th percentile (0-100) of values, by the nearest rank."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


def measure(page, server, epf, seconds):
    """(frames, frames/s, epochs/s, [gaps in ms]) for one run of ``seconds`` s at ``epf``."""
    query = encode(State(layers=(4, 4), epf=epf))
    page.goto(f"{server.url}/?{query}")
    page.wait_for_selector(".pg-image", timeout=START_LIMIT * 1000)
    page.wait_for_function("() => document.querySelector('.pg-image').src",
                           timeout=START_LIMIT * 1000)
    page.locator(".pg-play").wait_for()
    time.sleep(1.0)  # let the first picture and the read-outs settle
    picture = page.evaluate(PICTURE_JS)
    before = page.evaluate(EPOCH_JS)
    page.evaluate(WATCH_JS)
    pressed = page.evaluate(PLAY_JS)
    time.sleep(seconds)
    frames, now, after = page.evaluate(READ_JS)
    page.locator(".pg-play").click()  # pause
    elapsed = (now - pressed) / 1000
    gaps = [b - a for a, b in zip(frames, frames[1:])]
    epochs = epoch_of(after) - epoch_of(before)
    return len(frames), len(frames) / elapsed, epochs / elapsed, gaps, picture


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="how long to watch each run (default 10)")
    parser.add_argument("--epf", default="1",
                        help="comma-separated epochs-per-frame values, such as 1,5 (default 1)")
    args = parser.parse_args()
    missing = lab.chromium_missing()
    if missing:
        sys.exit(f"cannot measure in the browser: {missing}")
    if not NOTEBOOK.is_file():
        sys.exit(f"{NOTEBOOK.relative_to(ROOT)} does not exist")
    epfs = [int(e) for e in args.epf.split(",") if e.strip()]
    if not epfs or min(epfs) < 1:
        sys.exit(f"--epf takes whole numbers >= 1, such as 1,5; got {args.epf!r}")

    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    print(f"2-4-4-1 network, default data, every picture; {args.seconds:g} s of play per row")
    home = Path(tempfile.mkdtemp(prefix="playground_fps_"))
    server = lab.start_voila(NOTEBOOK, home)
    try:
        with lab.chromium() as browser:
            print(f"{'epf':>4} {'frames':>7} {'frames/s':>9} {'epochs/s':>9} "
                  f"{'median gap':>11} {'p95 gap':>8} {'max gap':>8}   (gaps in ms)")
            for epf in epfs:
                with lab.new_page(browser) as page:
                    frames, fps, eps, gaps, picture = measure(page, server, epf, args.seconds)
                if len(gaps) < 2:
                    print(f"{epf:>4} {frames:>7} {fps:>9.1f} {eps:>9.1f}   (too few frames)")
                    continue
                print(f"{epf:>4} {frames:>7} {fps:>9.1f} {eps:>9.1f} "
                      f"{statistics.median(gaps):>11.0f} {percentile(gaps, 95):>8.0f} "
                      f"{max(gaps):>8.0f}")
            width, height, kb = picture
            print(f"(the picture: {width} x {height} pixels, {kb:.0f} kB a frame)")
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
