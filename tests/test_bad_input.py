"""Bad input at the public boundary of the plotting, widget and explorer modules.

Each test is one wrong input a student could type, and checks that it gives a ValueError or
TypeError naming the argument (never a raw numpy, matplotlib or ipywidgets error, an
AttributeError, or a silently different picture).
"""
import matplotlib.pyplot as plt
import numpy as np
import pytest

from nbtools import (autograd, autograd_nn, data, explore_gradients, explore_graphs,
                     explore_networks, explore_optimizers, forward_mode, gradplots, gradstats,
                     landscapes, layerplots, live, netslice, nn, optim, pathplots, plots, training,
                     walks)


@pytest.fixture(scope="module")
def moons():
    return data.moons(n=40, seed=0)


@pytest.fixture(scope="module")
def history(moons):
    X, y = moons
    return training.fit(nn.MLP([2, 4, 1], seed=0), X, y, epochs=2, seed=0, progress=False)


@pytest.fixture(scope="module")
def paths():
    return walks.run_all({"SGD": optim.SGD(lr=1e-3)}, landscapes.Rosenbrock(), steps=20)


# ---- plots -------------------------------------------------------------------------------------

def test_decision_boundary_checks_X_val_before_using_it(moons):
    X, y = moons
    with pytest.raises(ValueError, match="X_val must have shape"):
        plots.decision_boundary(nn.MLP([2, 4, 1], seed=0), X, y, X_val=np.c_[X, X[:, 0]], y_val=y)


@pytest.mark.parametrize("draw", [
    lambda net, X, y, ax: plots.decision_boundary(net, X, y, ax=ax),
    lambda net, X, y, ax: plots.hidden_unit_lines(net, ax=ax),
    lambda net, X, y, ax: layerplots.activation_space(net, X, y, ax=ax),
    lambda net, X, y, ax: pathplots.contour_map(landscapes.Rosenbrock(), ax=ax),
], ids=["decision_boundary", "hidden_unit_lines", "activation_space", "contour_map"])
def test_ax_must_be_axes(moons, draw):
    X, y = moons
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        draw(nn.MLP([2, 4, 1], seed=0), X, y, "left")


@pytest.mark.parametrize("extent", [(0, 1), (0, np.nan, 0, 1), (1, 0, 0, 1)])
def test_hidden_unit_lines_checks_extent(extent):
    with pytest.raises(ValueError, match="extent"):
        plots.hidden_unit_lines(nn.MLP([2, 4, 1], seed=0), extent=extent)


def test_update_hidden_unit_lines_needs_the_drawn_units():
    art = plots.hidden_unit_lines(nn.MLP([2, 4, 1], seed=0))
    with pytest.raises(ValueError, match="only 2 units"):
        plots.update_hidden_unit_lines(art, nn.MLP([2, 2, 1], seed=0))


def test_update_training_curves_checks_history_and_epoch(history):
    art = plots.training_curves(history)
    with pytest.raises(TypeError, match="history must be the History"):
        plots.update_training_curves(art, [0.5, 0.4])
    with pytest.raises(ValueError, match="epoch"):
        plots.update_training_curves(art, history, epoch=np.nan)
    with pytest.raises(TypeError, match="epoch"):
        plots.update_training_curves(art, history, epoch="last")


# ---- widgets -----------------------------------------------------------------------------------

@pytest.mark.parametrize("kw, name", [
    ({"noise": 0.7}, "noise"), ({"lr": 5.0}, "lr"), ({"epochs": 2000}, "epochs"),
    ({"seed": 12}, "seed"), ({"hidden": "3"}, "hidden"), ({"hidden": 16}, "hidden"),
    ({"data": "blobs"}, "data"), ({"activation": "leaky_relu"}, "activation"),
])
def test_training_playground_refuses_values_its_controls_cannot_show(kw, name):
    # before: the slider silently clamped (noise 0.7 became 0.5) or ipywidgets raised a TraitError
    with pytest.raises((ValueError, TypeError), match=name):
        explore_networks.training_playground(**kw)


def test_train_for_playground_explains_hidden():
    with pytest.raises(ValueError, match="hidden must be the hidden layer sizes joined by '-'"):
        explore_networks.train_for_playground(hidden="16,16", epochs=1)


@pytest.mark.parametrize("make", [
    lambda: live.live_figure("fig", lambda x: None),
    lambda: live.figure_png(None),
])
def test_fig_must_be_a_figure(make):
    with pytest.raises(TypeError, match="fig must be a matplotlib Figure"):
        make()


# ---- walks, path plots and the optimizer race --------------------------------------------------

def test_run_explains_an_optimizer_class():
    with pytest.raises(TypeError, match=r"create one first, e.g. SGD\(lr=0.01\)"):
        walks.run(optim.SGD, landscapes.Rosenbrock())


@pytest.mark.parametrize("upto", [-1, 2.5, "end"])
def test_update_checks_upto(paths, upto):
    art = pathplots.plot(landscapes.Rosenbrock(), paths)
    with pytest.raises((ValueError, TypeError), match="upto"):
        pathplots.update(art, paths, upto=upto)


@pytest.mark.parametrize("losses, f_min, match", [
    (np.zeros((3, 2)), None, "losses of paths"), ([], None, "losses of paths"),
    ([1.0, 0.5], np.nan, "f_min"), ([1.0, 0.5], "0", "f_min"),
])
def test_loss_curves_checks_losses_and_f_min(losses, f_min, match):
    with pytest.raises((ValueError, TypeError), match=match):
        pathplots.loss_curves({"a": losses}, f_min=f_min)


@pytest.mark.parametrize("kw, name", [({"steps": 600}, "steps"), ({"noise": 10.0}, "noise")])
def test_race_controls_refuse_values_their_sliders_cannot_show(kw, name):
    with pytest.raises(ValueError, match=name):
        explore_optimizers.optimizer_race("quadratic", **kw)


# ---- gradient statistics, their plots and explorers --------------------------------------------

@pytest.mark.parametrize("kw, name", [({"steps": -1}, "steps"), ({"steps": 1.5}, "steps"),
                                      ({"tol": -1.0}, "tol")])
def test_gradient_descent_path_checks_steps_and_tol(moons, kw, name):
    X, y = moons
    with pytest.raises((ValueError, TypeError), match=name):
        walks.gradient_descent_path(X, y.astype(float), **kw)


def test_loss_surface_needs_two_columns(moons):
    X, y = moons
    with pytest.raises(ValueError, match="X must have 2 columns"):
        gradplots.loss_surface(X[:, :1], y.astype(float))


@pytest.mark.parametrize("kw, name", [({"depth": 20}, "depth"), ({"init": "he_normal"}, "init"),
                                      ({"activation": "identity"}, "activation")])
def test_depth_explorer_refuses_values_its_controls_cannot_show(moons, kw, name):
    X, y = moons
    with pytest.raises((ValueError, TypeError), match=name):
        explore_gradients.depth_explorer(X, y, epochs=1, **dict({"depth": 2}, **kw))


@pytest.mark.parametrize("kw, name", [
    ({"seed": None}, "seed"), ({"std": 10.0}, "std"), ({"depth": 50}, "depth"),
    ({"width": 2}, "width"), ({"activation": "leaky_relu"}, "activation"),
])
def test_init_explorer_checks_seed_and_control_ranges(kw, name):
    # seed=None used to give different numbers on every run; the others were clamped silently
    with pytest.raises((ValueError, TypeError), match=name):
        explore_gradients.init_explorer(**dict({"depth": 2, "width": 8, "n": 16}, **kw))


# ---- autograd, forward_mode, explore, netslice -------------------------------------------------

@pytest.mark.parametrize("X_cols, n_labels, scale, match", [
    (3, 10, 1, "feature column"), (2, 7, 1, "ys has 7 labels"), (2, 10, 2, "ys must hold labels"),
])
def test_mlp_loss_checks_X_and_ys(moons, X_cols, n_labels, scale, match):
    # zip used to cut the longer one short silently: a wrong loss, no error
    X, y = moons
    X, y = np.c_[X, X][:10, :X_cols], y[:n_labels] * scale
    theta = [autograd.Value(0.1) for _ in range(forward_mode.n_params([2, 3, 1]))]
    with pytest.raises(ValueError, match=match):
        forward_mode.mlp_loss(theta, X, y, [2, 3, 1])


def test_mlp_loss_explains_plain_numbers(moons):
    X, y = moons
    with pytest.raises(TypeError, match="theta must hold Values or Duals"):
        forward_mode.mlp_loss(np.zeros(forward_mode.n_params([2, 3, 1])), X, y, [2, 3, 1])


@pytest.mark.parametrize("model, error, match", [
    ("model", TypeError, "model must be a NeuralNetwork"),
    (autograd_nn.NeuralNetwork(2, [3, 2]), ValueError, "one sigmoid output"),
])
def test_autograd_train_checks_the_model(moons, model, error, match):
    X, y = moons
    with pytest.raises(error, match=match):
        autograd_nn.train(model, X, y, n_epochs=1, verbose=False)


def test_running_example_explorer_keeps_w46_on_its_slider():
    with pytest.raises(ValueError, match="w46"):
        explore_graphs.running_example_explorer(w46=10.0)


def test_slice_through_explains_an_empty_path(moons):
    X, y = moons
    with pytest.raises(ValueError, match=r"paths\['a'\] holds no snapshots"):
        netslice.slice_through(nn.MLP([2, 3, 1], seed=0), X, y, {"a": []})


def test_gradplots_say_what_ax_must_be():
    X, y = data.moons(n=20, seed=0)
    stats = gradstats.layer_stats(nn.MLP([2, 4, 1], seed=0), X, y)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        gradplots.stats_by_layer(stats, ax="left")
