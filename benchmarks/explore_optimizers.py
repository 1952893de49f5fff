"""How long does a slider move of notebook 08's optimizer race take?

A move of any control calls the race's ``update``, which recomputes the five paths (SGD,
momentum, Nesterov, RMSProp, Adam; 200 steps each by default) and moves the lines in place, and then
the ``LiveFigure`` renders the figure to the PNG the notebook shows. This is what the kernel does for
one move; the browser's part (sending the PNG, painting it) is not included. The target is a median
of at most 60 ms for the whole move.

For every surface of the race the script moves the SGD learning-rate slider back and forth
``--moves`` times and reports the median of: the update alone, the PNG rendering alone, and the
whole move (update + rendering, through the real ipywidgets slider). Matplotlib draws with Agg.

Run:  python benchmarks/explore_optimizers.py [--moves 21] [--steps 200]
"""
import argparse
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # nbtools from a plain checkout

from nbtools.explore_optimizers import RACE_SURFACES, optimizer_race  # noqa: E402
from nbtools.live import figure_png  # noqa: E402
from timing import median_ms  # noqa: E402  (benchmarks/timing.py)


def measure(surface, moves, steps):
    live = optimizer_race(surface, steps=steps)
    slider = live.controls["lr_sgd"]
    lrs = (slider.value, slider.value * 1.26)  # one notch of the log slider, back and forth
    values = live.values()

    def update_only(i):
        live.update(**dict(values, lr_sgd=lrs[i % 2]))

    def render_only(i):
        live.render()

    def render_all(i):
        figure_png(live.fig)

    def slider_move(i):
        slider.value = lrs[(i + 1) % 2]  # observe -> refresh: update, then render

    return (median_ms(update_only, moves), median_ms(render_only, moves), median_ms(render_all, moves),
            median_ms(slider_move, moves), live.fig.get_size_inches() * live.fig.dpi)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=21, help="slider moves per surface")
    parser.add_argument("--steps", type=int, default=200, help="steps of each of the 5 paths")
    args = parser.parse_args()
    print(f"Optimizer race: 5 paths of {args.steps} steps, median of {args.moves} moves (ms)")
    print(f"{'surface':<12} {'update':>8} {'render':>8} {'full draw':>10} {'move':>8}   figure")
    for surface in RACE_SURFACES:
        update_ms, render_ms, full_ms, move_ms, (w, h) = measure(surface, args.moves, args.steps)
        print(f"{surface:<12} {update_ms:8.1f} {render_ms:8.1f} {full_ms:10.1f} {move_ms:8.1f}   "
              f"{w:.0f} x {h:.0f} px")
    print("target: move <= 60 ms")


if __name__ == "__main__":
    main()
