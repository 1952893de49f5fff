"""Notebook 12's sliders and pictures: they build, move, and show what they say."""
import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from nbtools import explore_structure, structureplots  # noqa: E402
from nbtools.structure_tasks import PATTERN  # noqa: E402


def test_shift_explorer_moves_the_peak_with_the_pattern():
    live = explore_structure.shift_explorer(shift=2)
    for shift in (0, 7, 20):
        live.set(shift=shift)
        bars_in, bars_conv, _ = live.artists
        heights = [bar.get_height() for bar in bars_conv]
        assert int(np.argmax(heights)) == shift
        assert max(heights) == pytest.approx(sum(p * p for p in PATTERN))
    with pytest.raises(ValueError):
        explore_structure.shift_explorer(shift=30)


def test_rnn_explorer_draws_the_chosen_scale():
    live = explore_structure.rnn_gradient_explorer(wh_scale=0.5)
    live.set(wh_scale=1.5)
    assert "1.5" in live.fig.axes[0].get_title()
    with pytest.raises(ValueError, match="one of"):
        explore_structure.rnn_gradient_explorer(wh_scale=0.3)


def test_plots_return_their_artists():
    art = structureplots.attention_weights(np.full((3, 4), 0.25), marks=[0, 1, 3])
    assert len(art["boxes"]) == 3
    art = structureplots.accuracy_vs_size([10, 20], {"a": np.ones((2, 3))})
    assert len(art["lines"]) == 1
    with pytest.raises(ValueError, match="one per size"):
        structureplots.accuracy_vs_size([10, 20, 30], {"a": np.ones((2, 3))})
    fig, axes = plt.subplots(1, 3)
    assert len(structureplots.filters(np.ones((2, 1, 3, 3)), axes)) == 2
    plt.close("all")
