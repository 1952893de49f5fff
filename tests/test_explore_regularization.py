"""The experiments and sliders of notebook 09: what a move changes, the cache, the seeds, bad input."""
import matplotlib
import numpy as np
import pytest

from nbtools import explore_regularization as er
from nbtools import regularization
from nbtools.live import LiveFigure
from nbtools.training import evaluate

matplotlib.use("Agg")


def test_run_experiment_data_and_network():
    run = er.run_experiment()
    assert run.X.shape == (er.N_TRAIN, 2) and run.X_val.shape == (er.N_VAL, 2)
    assert run.net.sizes == [2, 32, 32, 1]
    assert run.history.epochs_run == er.EPOCHS
    assert not run.net.layers[0].training                      # left in eval mode
    assert run.history.val_loss[-1] == pytest.approx(evaluate(run.net, run.X_val, run.y_val)[0])


def test_same_arguments_same_run_and_other_seeds_other_points():
    assert er.run_experiment(seed=1) is er.run_experiment(seed=1)
    assert not np.array_equal(er.run_experiment(seed=1).X, er.run_experiment(seed=2).X)
    np.testing.assert_array_equal(er.run_experiment(seed=1).X_val, er.run_experiment(seed=2).X_val)


def test_jitter_trains_on_ten_copies_more():
    run = er.run_experiment(jitter=0.2)
    assert run.X_fit.shape == (11 * er.N_TRAIN, 2)
    np.testing.assert_array_equal(run.X_fit[:er.N_TRAIN], run.X)


def test_early_stopping_keeps_the_best_validation_epoch():
    run = er.run_experiment(early_stopping=10)
    h = run.history
    assert h.best_epoch == int(np.argmin(h.val_loss)) and h.epochs_run == h.best_epoch + 10
    assert evaluate(run.net, run.X_val, run.y_val)[0] == pytest.approx(h.val_loss[h.best_epoch])


def test_over_seeds_one_value_per_seed_from_the_runs():
    res = er.over_seeds(range(3), l2=1e-3)
    assert set(res) == {"val_loss", "val_acc", "train_loss", "train_acc", "weight_norm"}
    assert all(v.shape == (3,) for v in res.values())
    run = er.run_experiment(l2=1e-3, seed=2)
    assert res["val_loss"][2] == run.history.val_loss[-1]
    assert res["weight_norm"][2] == regularization.weight_norm(run.net)


def test_the_overfitting_the_notebook_is_about_is_there():
    none, l2 = er.over_seeds(range(3)), er.over_seeds(range(3), l2=3e-3)
    assert none["train_loss"].mean() < 0.05 < 0.5 < none["val_loss"].mean()
    assert l2["val_loss"].mean() < none["val_loss"].mean() / 2


@pytest.mark.parametrize("make, move, name", [
    (er.capacity_explorer, {"width": 4}, "width"),
    (er.l2_explorer, {"l2": 1e-2}, "l2"),
    (er.dropout_explorer, {"rate": 0.5}, "rate"),
    (er.jitter_explorer, {"size": 0.2}, "size"),
])
def test_a_move_trains_the_matching_network_and_redraws(make, move, name):
    live = make()
    assert isinstance(live, LiveFigure) and name in live.controls
    before = live.state["run"]
    title = live.fig.axes[0].get_title()
    live.set(**move)
    after = live.state["run"]
    assert after is not before
    assert live.fig.axes[0].get_title() != title
    heights = [bar.get_height() for bar in live.artists["bars"]]
    assert sum(heights) == pytest.approx(1.0)                 # fractions of all the weights


def test_capacity_explorer_builds_the_asked_network():
    live = er.capacity_explorer(width=8, depth=3)
    assert live.state["run"].net.sizes == [2, 8, 8, 8, 1]
    live.set(n_train=300)
    assert len(live.state["run"].X) == 300


def test_jitter_explorer_shows_the_copies():
    live = er.jitter_explorer(size=0.1)
    assert len(live.artists["copies"].get_offsets()) == 11 * er.N_TRAIN


# ---- bad input -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kwargs, error", [
    ({"hidden": (0,)}, ValueError), ({"l2": -1.0}, ValueError), ({"dropout": 1.0}, ValueError),
    ({"jitter": "big"}, TypeError), ({"early_stopping": 0}, ValueError), ({"n_train": 2}, ValueError),
    ({"seed": -1}, ValueError), ({"epochs": 1.5}, TypeError)])
def test_run_experiment_bad_input(kwargs, error):
    with pytest.raises(error):
        er.run_experiment(**kwargs)


def test_over_seeds_needs_a_seed():
    with pytest.raises(ValueError, match="seed"):
        er.over_seeds([])


@pytest.mark.parametrize("make, kwargs", [
    (er.capacity_explorer, {"width": 5}), (er.capacity_explorer, {"n_train": 50}),
    (er.capacity_explorer, {"depth": 4}), (er.l2_explorer, {"l2": 0.5}),
    (er.dropout_explorer, {"rate": 0.9}), (er.jitter_explorer, {"size": -0.1})])
def test_explorers_reject_values_their_controls_cannot_show(make, kwargs):
    with pytest.raises(ValueError):
        make(**kwargs)
