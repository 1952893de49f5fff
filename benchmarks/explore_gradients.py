"""How long does a slider move of notebooks 06 and 07 take, from the new value to the new picture?

A move calls the explorer's ``update`` (build the network, measure every layer, train briefly,
change the artists) and then renders the figure to the PNG the notebook shows; ``LiveFigure.refresh``
does both, exactly as the slider does. Target: the depth / activation / init sliders of notebook 06,
a 10 x 32 network on 256 points, redraw in at most 150 ms (median).

Settings are visited in turn, so every refresh follows a different setting (as when a student
moves a slider) and the median of ``--rounds`` visits is reported for each. Columns: ``update`` =
the update function alone, ``stats`` = one ``layer_stats`` pass, ``refresh`` = update + render.

Run:  python benchmarks/explore_gradients.py [--rounds 15]
"""
import argparse
import statistics
import time

import ipywidgets
import matplotlib
import numpy as np

matplotlib.use("Agg")

from nbtools import blocks, data, explore_gradients, gradstats, init, walks  # noqa: E402

TARGET_MS = 150.0


def _ms(f):
    t0 = time.perf_counter()
    f()
    return 1e3 * (time.perf_counter() - t0)


def bench(name, live, settings, stats_of, rounds):
    times = {s: {"update": [], "stats": [], "refresh": []} for s in settings}
    for _ in range(rounds):
        for s in settings:
            values = dict(zip(live.controls, s))
            times[s]["update"].append(_ms(lambda: live.update(**values)))
            times[s]["stats"].append(_ms(lambda: stats_of(values)))
            times[s]["refresh"].append(_ms(lambda: live.refresh(**values)))
    rows = []
    for s in settings:
        med = {k: statistics.median(v) for k, v in times[s].items()}
        rows.append((name, ", ".join(map(str, s)), med["update"], med["stats"], med["refresh"]))
    return rows


def main(rounds=15):
    X, y = data.moons(n=256, noise=0.1, seed=0)
    X = data.standardize(X)[0]

    def depth_stats(v):
        net = blocks.deep_net(v["depth"], 32, v["activation"], explore_gradients.INIT_CHOICES[v["init"]])
        gradstats.layer_stats(net, X, y)

    depth_settings = [(10, "sigmoid", "xavier"), (10, "tanh", "xavier"), (10, "relu", "he"),
                      (10, "leaky_relu", "he"), (10, "relu", "small"), (10, "relu", "large"),
                      (16, "tanh", "xavier")]
    rows = bench("06 depth_explorer", explore_gradients.depth_explorer(X, y), depth_settings, depth_stats, rounds)

    def init_stats(v):
        rng = np.random.default_rng(0)
        net = blocks.deep_net(v["depth"], v["width"], v["activation"], init.normal(v["std"]), n_in=v["width"])
        gradstats.layer_stats(net, rng.normal(size=(256, v["width"])), rng.integers(0, 2, 256))

    init_settings = [(0.01, 10, 32, "tanh"), (0.18, 10, 32, "tanh"), (1.0, 10, 32, "tanh"),
                     (0.25, 10, 32, "relu"), (0.25, 30, 32, "relu"), (0.1, 10, 256, "tanh")]
    rows += bench("07 init_explorer", explore_gradients.init_explorer(), init_settings, init_stats, rounds)

    Xl = np.random.default_rng(0).normal(size=(200, 2))
    yl = Xl @ [1.0, 2.0]
    scale_settings = [(1.0, False), (10.0, False), (10.0, True), (30.0, False)]
    rows += bench("07 scale_explorer", explore_gradients.scale_explorer(Xl, yl), scale_settings,
                  lambda v: walks.gradient_descent_path(Xl * [1, v["scale"]], yl), rounds)

    print(f"Median of {rounds} visits per setting, settings visited in turn (ms).")
    print(f"Target for notebook 06's sliders (10 x 32 network, 256 points): refresh <= {TARGET_MS:.0f} ms.\n")
    print(f"{'explorer':<20}{'setting':<26}{'update':>9}{'stats':>9}{'refresh':>9}")
    for name, setting, upd, st, ref in rows:
        flag = "" if not name.startswith("06") or ref <= TARGET_MS else "  over target"
        print(f"{name:<20}{setting:<26}{upd:>9.1f}{st:>9.1f}{ref:>9.1f}{flag}")
    ipywidgets.Widget.close_all()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    main(parser.parse_args().rounds)
