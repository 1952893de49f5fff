"""How fast the sliders feel in a real browser: milliseconds from a key press to the new picture.

Run from the project root:  python benchmarks/browser_sliders.py [--notebooks 02,06] [--moves 3]

It starts JupyterLab from this Python (127.0.0.1, a free port, a random token, throw-away
settings), opens each notebook in headless Chromium (Debian's, at /usr/bin/chromium), runs it top
to bottom, and then, for every slider in it (int, float, log and selection sliders), presses an
arrow key on the slider's handle a few times, alternating direction. A move is timed inside the
page, from the keydown event to the first frame after the slider's figure (the image under the
slider) has its new picture decoded. Menus and check boxes are left out: they cannot move "one
notch", and they call the same update as the sliders next to them.

Where the time goes, per move (the kernel's clock and the page's are the same machine's clock):
  to kernel   key press -> the kernel starts the refresh (slider view, widget message, server)
  update      the figure's update function (the experiment: training, forward passes, ...)
  render      drawing the figure and encoding the PNG (LiveFigure.render)
  send        handing the PNG to the Image widget (serialized and sent)
  back        the kernel sent the PNG -> the page sets the image's new source (server, widgets)
  paint       the new source -> the picture decoded and the next frame drawn
The kernel-side times come from wrapping LiveFigure.refresh and LiveFigure.render in the
notebook's kernel (through a second connection to it); nbtools itself is not changed.

The floor, measured in the same run: a slider wired to an Image widget that swaps between two
tiny ready-made PNGs (no computing, no drawing: only the round trip and the page), and a slider
driving a tiny live_figure (the same path as the notebooks, with almost nothing to draw).

This is a measurement, not a test: it prints a table and judges nothing.
"""
import argparse
import ast
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import lab  # noqa: E402  (tests/browser/lab.py: the server, the browser, the page helpers)

REDRAW_LIMIT = 20.0  # s: a move whose picture has not changed by then counts as "no redraw"

# Watch one move: the time of the next keydown, of the figure's new src, and of the first frame
# after the new picture is decoded. The figure is the element FIGURE_JS marked.
ARM_JS = """() => {
  const fig = document.querySelector('[data-figure-under-test]');
  const m = window.__move = {key: null, keyWall: null, src: null, srcWall: null, shown: null};
  document.addEventListener('keydown', () => {
    m.key = performance.now(); m.keyWall = Date.now();
  }, {capture: true, once: true});
  const shown = () => requestAnimationFrame(() => setTimeout(() => { m.shown = performance.now(); }));
  if (fig.tagName === 'IMG') {
    const watch = new MutationObserver(() => {
      watch.disconnect();
      m.src = performance.now(); m.srcWall = Date.now();
      fig.decode().then(shown, shown);
    });
    watch.observe(fig, {attributes: true, attributeFilter: ['src']});
  } else {  // a canvas: compare its pixels once a frame
    const before = fig.toDataURL();
    const poll = () => {
      if (fig.toDataURL() === before) return requestAnimationFrame(poll);
      m.src = performance.now(); m.srcWall = Date.now(); shown();
    };
    requestAnimationFrame(poll);
  }
}"""

# The position of a slider's handle: (now, min, max), from the handle's aria attributes.
POSITION_JS = """(handle) => ['aria-valuenow', 'aria-valuemin', 'aria-valuemax'].map(
  name => parseFloat(handle.getAttribute(name)))"""

# Run in the notebook's kernel: time every LiveFigure refresh and render, on the wall clock.
KERNEL_HOOK = """
import time as _time
from nbtools.live import LiveFigure as _LiveFigure

_bench_log = []

def _bench_wrap():
    refresh, render = _LiveFigure.refresh, _LiveFigure.render

    def timed_refresh(self, **changes):
        start = _time.time()
        refresh(self, **changes)
        _bench_log.append(("refresh", start, _time.time()))

    def timed_render(self):
        start = _time.time()
        png = render(self)
        _bench_log.append(("render", start, _time.time()))
        return png

    _LiveFigure.refresh, _LiveFigure.render = timed_refresh, timed_render

_bench_wrap()
"""
KERNEL_LOG = "__import__('json').dumps(_bench_log)"

PROBE_ECHO = """import io
import ipywidgets as w
from PIL import Image

def tiny_png(colour):
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), colour).save(buf, format="png")
    return buf.getvalue()

pictures = [tiny_png("white"), tiny_png("black")]
echo_image = w.Image(value=pictures[0], format="png")
echo = w.IntSlider(0, min=0, max=10, description="echo")
echo.observe(lambda change: setattr(echo_image, "value", pictures[change["new"] % 2]), names="value")
w.VBox([echo, echo_image])"""

PROBE_FIGURE = """import matplotlib.pyplot as plt
from nbtools.live import live_figure

fig, ax = plt.subplots(figsize=(2, 1.5), dpi=80)
line, = ax.plot([0, 1], [0, 0])
ax.set_ylim(0, 1)
live_figure(fig, lambda k: line.set_ydata([0, k / 10]),
            k=w.IntSlider(0, min=0, max=10, description="tiny figure"))"""


class Kernel:
    """A second connection to a notebook's kernel, to time the refreshes the sliders cause."""

    def __init__(self, connection_file):
        from jupyter_client import BlockingKernelClient

        self.client = BlockingKernelClient(connection_file=str(connection_file))
        self.client.load_connection_file()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=30)

    def run(self, code, **expressions):
        msg_id = self.client.execute(code, silent=False, store_history=False,
                                     user_expressions=expressions)
        while True:
            reply = self.client.get_shell_msg(timeout=60)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        if reply["content"]["status"] != "ok":
            raise lab.LabError(f"the kernel could not run the timing hook: {reply['content']}")
        return {name: value["data"]["text/plain"]
                for name, value in reply["content"]["user_expressions"].items()}

    def take_log(self):
        """The refresh and render times since the last call, then forget them."""
        text = self.run("", log=KERNEL_LOG)["log"]
        self.run("_bench_log.clear()")
        return json.loads(ast.literal_eval(text))

    def close(self):
        self.client.stop_channels()


def breakdown(move, log):
    """The parts of one move in ms (to kernel, update, render, send, back, paint); None where
    the kernel did no LiveFigure refresh."""
    refreshes = [(start, end) for kind, start, end in log if kind == "refresh"]
    renders = [(start, end) for kind, start, end in log if kind == "render"]
    if not refreshes or not renders or move["keyWall"] is None:
        return None
    start, end = refreshes[0][0], refreshes[-1][1]
    render = sum(e - s for s, e in renders)
    sent = end - renders[-1][1]
    parts = {"to kernel": 1000 * start - move["keyWall"],
             "update": 1000 * (end - start - render - sent),
             "render": 1000 * render, "send": 1000 * sent}
    parts["back"] = move["srcWall"] - 1000 * end
    parts["paint"] = move["shown"] - move["src"]
    return parts


def time_move(page, handle, key, kernel):
    """Press ``key`` on the focused slider handle; (ms to the new picture, its breakdown)."""
    if kernel:
        kernel.take_log()
    page.evaluate(ARM_JS)
    handle.press(key)
    from playwright.sync_api import TimeoutError

    try:
        page.wait_for_function("() => window.__move.shown !== null", timeout=REDRAW_LIMIT * 1000)
    except TimeoutError:
        return None, None
    move = page.evaluate("() => window.__move")
    parts = breakdown(move, kernel.take_log()) if kernel else None
    return move["shown"] - move["key"], parts


def next_key(page, handle, n):
    """Right on even moves, left on odd ones, but never past either end."""
    now, low, high = page.evaluate(POSITION_JS, handle.element_handle())
    return "ArrowRight" if (n % 2 == 0 and now < high) or now <= low else "ArrowLeft"


def measure_sliders(page, kernel, moves, warm_up=True):
    """[(description, [ms per move], [breakdown per move])] for every slider on the page
    (those shown: the playground hides the sliders of hidden layers it does not have)."""
    found = lab.sliders(page)
    results = []
    for i in range(found.count()):
        slider = found.nth(i)
        if not slider.is_visible():
            continue
        name = lab.description(slider) or f"slider {i + 1}"
        slider.scroll_into_view_if_needed()
        if slider.evaluate(lab.FIGURE_JS) is None:
            results.append((name, [], []))
            continue
        handle = slider.locator(".noUi-handle").first
        handle.focus()
        if warm_up:  # untimed: the first move after Run All may wait for the kernel to settle
            time_move(page, handle, next_key(page, handle, 0), None)
            warm_up = False
        times, parts = [], []
        for n in range(moves):
            ms, split = time_move(page, handle, next_key(page, handle, n), kernel)
            times.append(ms)
            parts.append(split)
            time.sleep(0.2)  # a pause, as between two moves of a hand
        results.append((name, times, parts))
    return results


def median_parts(parts):
    parts = [p for p in parts if p]
    if not parts:
        return None
    return {name: statistics.median(p[name] for p in parts) for name in parts[0]}


def run_notebook(page, server, path, moves):
    lab.open_notebook(page, server, path)
    lab.run_all_and_wait(page, server, path)
    shown = lab.errors(page)
    if shown:
        raise lab.LabError(f"{path} shows errors after Run All:\n" + "\n---\n".join(shown))
    kernel = Kernel(server.kernel_connection_file(path))
    try:
        kernel.run(KERNEL_HOOK)
        return measure_sliders(page, kernel, moves)
    finally:
        kernel.close()
        server.close_sessions()


PARTS = ("to kernel", "update", "render", "send", "back", "paint")


def print_row(notebook, name, times, parts):
    """Print one slider's row; return (median ms, median parts), or None without a redraw."""
    done = [t for t in times if t is not None]
    if not done:
        why = "no figure under this slider" if not times else f"no redraw within {REDRAW_LIMIT:.0f} s"
        print(f"{notebook:<8} {name:<16} {why}")
        return None
    median, split = statistics.median(done), median_parts(parts)
    missed = f"  ({len(times) - len(done)} moves not redrawn)" if len(done) < len(times) else ""
    columns = "  ".join(f"{split[p]:>6.0f}" for p in PARTS) if split else "     (no LiveFigure)"
    print(f"{notebook:<8} {name:<16} {median:>6.0f}  {min(done):>5.0f}-{max(done):<5.0f}  "
          f"{columns}{missed}")
    return median, split


def measure(notebooks, moves):
    """Print the table; return the floor's rows and the notebooks' rows, as
    {(notebook, slider): (median ms, median parts)}."""
    home = Path(tempfile.mkdtemp(prefix="browser_sliders_"))
    probe_dir = Path(tempfile.mkdtemp(prefix="browser_sliders_probe_", dir=ROOT / "benchmarks"))
    server = lab.start_lab(home)
    floor, rows = {}, {}
    try:
        with lab.chromium() as browser, lab.new_page(browser) as page:
            titles = "  ".join(f"{p:>6}" for p in ("kernel", "update", "render", "send", "back",
                                                    "paint"))
            print(f"{'notebook':<8} {'slider':<16} {'median':>6}  {'min-max':<11}  {titles}")
            print("(ms; the last six columns are the median parts of a move: to kernel, update, "
                  "render, send, back, paint)")
            probe = lab.write_notebook(probe_dir / "floor.ipynb", [PROBE_ECHO, PROBE_FIGURE])
            for name, times, parts in run_notebook(page, server, probe, moves):
                floor[name] = print_row("floor", name, times, parts)
            for path in notebooks:
                number = path.name.split("_")[0]
                for name, times, parts in run_notebook(
                        page, server, path.relative_to(ROOT).as_posix(), moves):
                    row = print_row(number, name, times, parts)
                    if row:
                        rows[number, name] = row
    finally:
        server.stop()
        shutil.rmtree(probe_dir, ignore_errors=True)
        shutil.rmtree(home, ignore_errors=True)
    return floor, rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", default="",
                        help="comma-separated numbers, such as 02,06 (default: all of notebooks/)")
    parser.add_argument("--moves", type=int, default=3, help="timed moves per slider (default 3)")
    args = parser.parse_args()
    missing = lab.chromium_missing()
    if missing:
        sys.exit(f"cannot measure in the browser: {missing}")
    wanted = [n.strip() for n in args.notebooks.split(",") if n.strip()]
    notebooks = sorted(p for p in (ROOT / "notebooks").glob("[0-9]*.ipynb")
                       if not wanted or any(p.name.startswith(n) for n in wanted))
    if not notebooks:
        sys.exit(f"no notebook in notebooks/ starts with {args.notebooks}")

    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start")
    floor, rows = measure(notebooks, max(args.moves, 1))
    if rows:
        medians = [median for median, _ in rows.values()]
        slowest = max(rows, key=lambda key: rows[key][0])
        floors = ", ".join(f"{floor[name][0]:.0f} ms ({name})" for name in floor if floor[name])
        print(f"\nover {len(rows)} sliders: median {statistics.median(medians):.0f} ms, "
              f"max {rows[slowest][0]:.0f} ms ({' '.join(slowest)}); floor {floors}")
        split = median_parts([parts for _, parts in rows.values()])
        if split:
            print("median over the sliders of each part: "
                  + ", ".join(f"{p} {split[p]:.0f}" for p in PARTS) + " ms")
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
