"""How long a slider move takes inside the kernel: median milliseconds, printed as a table.

Run from the project root:  python benchmarks/widgets.py

Targets (from the design of the live notebooks):
- a redraw-only slider move (weights by hand, the epoch scrubber): <= 40 ms;
- a slider that retrains a 2-16-16-1 network for 300 Adam steps on 200 points and redraws: <= 120 ms.
A move is ``LiveFigure.refresh(...)``: the update function plus rendering the PNG the browser shows.
The time to send that PNG to the browser is not included. This is a measurement, not a test.
"""
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import matplotlib.pyplot as plt  # noqa: E402

from nbtools import (data, explore_networks, layerplots, losses, live, nn, optim, plots,  # noqa: E402
                     training)
from timing import median_ms  # noqa: E402  (benchmarks/timing.py)


def adam_loop(X, y, steps=300):
    """The bare training loop: full-batch Adam on a fresh 2-16-16-1 network, nothing recorded."""
    net, opt, loss = nn.MLP([2, 16, 16, 1], seed=0), optim.Adam(lr=0.03), losses.BinaryCrossEntropy()
    targets = y.reshape(-1, 1).astype(float)
    for _ in range(steps):
        net.forward(X)
        _, grad = loss.value_and_grad(net.z[-1], targets, logits=True)
        net.zero_grad()
        net.backward(grad, wrt="z")
        opt.step(net.parameters(), net.gradients())


def main():
    X, y = data.v_shape(n=200, seed=0)
    rows = []

    net = nn.MLP([2, 2, 1], hidden="sigmoid", seed=0)
    sliders = explore_networks.weight_sliders(net, X, y)
    rows.append(("weight_sliders: move W1[0,0] (redraw only)", 40,
                 median_ms(lambda i: sliders.refresh(W1_0_0=-2 + 0.1 * i))))
    rows.append(("  of which: rendering the PNG", None, median_ms(lambda i: sliders.render())))

    X_m, y_m = data.moons(n=200, seed=0)
    net = nn.MLP([2, 4, 2, 1], hidden="tanh", seed=0)
    history = training.fit(net, X_m, y_m, lr=0.03, epochs=300, batch_size=None,
                           snapshot_every=10, progress=False)
    scrubber = explore_networks.epoch_scrubber(net, history, X_m, y_m)
    rows.append(("epoch_scrubber: move the snapshot slider (redraw only)", 40,
                 median_ms(lambda i: scrubber.refresh(snapshot=(3 * i) % len(history.snapshots)))))

    playground = explore_networks.training_playground(data="moons", hidden="16-16", epochs=300)
    rows.append(("training_playground: move seed (retrain 2-16-16-1, 300 Adam steps)", 120,
                 median_ms(lambda i: playground.refresh(seed=i % 10), repeats=10)))
    rows.append(("  of which: training.fit, 300 full-batch epochs with validation", None,
                 median_ms(lambda i: explore_networks.train_for_playground("moons", 0.1, "16-16", "relu",
                                                                  0.03, 300, i % 10), repeats=10)))
    rows.append(("  for comparison: the bare loop of 300 Adam steps", None,
                 median_ms(lambda i: adam_loop(X_m, y_m), repeats=10)))

    def fresh_figure(i):
        fig, axes = plt.subplots(1, 3, figsize=(12, 3.8), dpi=80)
        plots.decision_boundary(playground.state["net"], X_m, y_m, ax=axes[0], resolution=70)
        layerplots.activation_space(playground.state["net"], X_m, y_m, ax=axes[1])
        plots.training_curves(playground.state["history"], ax=axes[2])
        live.figure_png(fig)
        plt.close(fig)

    rows.append(("for comparison: the same 3 panels drawn as a new figure", None,
                 median_ms(fresh_figure, repeats=10)))

    width = max(len(name) for name, _, _ in rows)
    print(f"{'what':<{width}}  median ms  target ms")
    for name, target, ms in rows:
        mark = "" if target is None else f"{target:>9}  {'ok' if ms <= target else 'SLOW'}"
        print(f"{name:<{width}}  {ms:9.1f}  {mark}")


if __name__ == "__main__":
    main()
