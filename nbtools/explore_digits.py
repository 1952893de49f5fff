"""The slider of notebook 11: the bottleneck network's plane, epoch by epoch.

``bottleneck_scrubber(net, history, X, y)`` shows a network with a 2-unit penultimate layer
(``classplots.class_regions``: every image at its two activations, over the class the output
layer predicts there) next to its accuracy per epoch. ``history`` must come from
``training.fit(..., snapshot_every=k)``; the slider and the play button step through its
snapshots: moving to snapshot i loads those weights into a copy of the network (``live.net``)
and redraws. The plane has no ticks (the view grows with the activations; its range is in the
title), so that a move redraws only what is inside the axes. Returns a ``LiveFigure``; ``live.set(snapshot=i)`` does what moving the slider does.
"""
import copy

import matplotlib.pyplot as plt

from . import classplots, plots
from .live import LiveFigure, snapshot_slider


def bottleneck_scrubber(net, history, X, y, interval=300, dpi=80):
    """A slider and a play button over the weight snapshots of a bottleneck network's training."""
    net = copy.deepcopy(classplots.check_bottleneck(net))
    if not getattr(history, "snapshots", None):
        raise ValueError("history has no weight snapshots; train with "
                         "training.fit(..., snapshot_every=k) to record some.")
    steps_per_epoch = len(history.step_loss) / max(history.epochs_run, 1)
    fig, (ax_r, ax_c) = plt.subplots(1, 2, figsize=(10, 4.3), gridspec_kw={"width_ratios": [1.2, 1]})
    regions = classplots.class_regions(net, X, y, ax=ax_r, ticks=False)   # no ticks: faster
    curves = plots.training_curves(history, ax=ax_c, metric="acc")
    ax_c.set_ylim(0, 1.02)
    ax_r.set_title("after epoch ...", fontsize=10)
    fig.tight_layout()
    last = len(history.snapshots) - 1
    slider, play = snapshot_slider(last, interval)

    def update(snapshot):
        step, weights = history.snapshots[snapshot]
        net.set_weights(weights)
        classplots.update_class_regions(regions, net)
        epoch = step / steps_per_epoch
        plots.update_training_curves(curves, history, epoch=epoch, rescale=False)
        right = (net.a[-1].argmax(axis=1) == regions["y"]).mean()   # the forward pass just made
        m = regions["limits"][1]
        ax_r.set_title(f"after epoch {epoch:.0f}: {right:.0%} of these images right; "
                       f"view -{m:g} to {m:g}", fontsize=10)

    # the curves and their legend stay put: drawn once with the axes, not at every move
    still = [curves["train"], curves["val"], ax_c.get_legend()]
    live = LiveFigure(fig, update, {"snapshot": slider}, dpi=dpi, extras=[play], still=still)
    live.net, live.play = net, play
    live.artists = {"regions": regions, "curves": curves}
    return live
