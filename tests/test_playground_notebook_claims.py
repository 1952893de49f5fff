"""What notebook 13 says, checked against the engine.

The state texts are read from the notebook's markdown (so a text changed there is the text tested
here); each of the ten "things to try" is trained once, for the 200 epochs the notebook speaks of,
and every numbered answer of "What happens" is checked against those runs. (What the squares of
the network picture show is checked in test_playground_plots.py, training in bursts and what each
control rebuilds in test_playground_engine.py, sharing a state in test_explore_playground.py.) The numbers below are
the notebook's own words; where the code disagrees, the notebook (or the code) must change, not
the test.
"""
import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from nbtools.playground import Session
from nbtools.playground_state import State, decode, encode

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "13_playground.ipynb"
EPOCHS = 200
ITEM = re.compile(r"^(\d+)\. \[[^\]]+\]\(\?(v=1&[^)]*)\) · `(v=1&[^`]*)`", re.M)


@pytest.fixture(scope="module")
def markdown():
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")


@pytest.fixture(scope="module")
def texts(markdown):
    """The state text of each numbered thing to try: {1: "v=1&...", ...}."""
    return {int(n): code for n, link, code in ITEM.findall(markdown)}


@pytest.fixture(scope="module")
def runs(texts):
    """Each thing to try, trained 200 epochs (once for the whole module)."""
    sessions = {}
    for n, text in texts.items():
        session = Session(decode(text))
        session.train(EPOCHS)
        sessions[n] = session
    return sessions


def test_ten_things_to_try_each_with_a_state_that_decodes(markdown, texts):
    assert sorted(texts) == list(range(1, 11))
    for n, link, code in ITEM.findall(markdown):
        assert link == code, n                        # the link opens the text shown beside it
        assert encode(decode(code)) == code, n        # a text as the playground writes it
    every = set(re.findall(r"v=1&[A-Za-z0-9=&,:._-]*check=[0-9a-f]{8}", markdown))
    assert every == set(texts.values())               # no other state text, none left out
    for text in every:
        decode(text)


def test_all_ten_train_200_epochs_without_diverging(runs):
    for n, session in runs.items():
        assert session.epoch == EPOCHS and session.message == "", n


def accuracy_over_seeds(state, seeds=range(5)):
    """Test accuracy after 200 epochs for each data seed (the notebook's ranges "over data seeds
    0-4"), in percent, rounded as the notebook prints them."""
    result = []
    for seed in seeds:
        session = Session(state.replace(seed=seed))
        session.train(EPOCHS)
        result.append(round(100 * session.scores()["test accuracy"]))
    return result


def test_1_no_hidden_layer_on_the_circle(texts, runs):
    session = runs[1]
    assert session.net.sizes == [2, 1]                           # one straight line
    assert round(100 * session.scores()["test accuracy"]) == 52   # "52 % at this seed"
    seeds = accuracy_over_seeds(decode(texts[1]))
    assert (min(seeds), max(seeds)) == (46, 56)                   # "46-56 % over data seeds 0-4"
    losses = session.train_loss + session.test_loss
    assert max(abs(v - math.log(2)) for v in losses) < 0.1       # "stays near log 2"


def test_2_the_squares_make_the_circle_separable(texts, runs):
    assert decode(texts[2]) == decode(texts[1]).replace(features=("x1", "x2", "x1sq", "x2sq"))
    scores = runs[2].scores()
    assert scores["train accuracy"] == scores["test accuracy"] == 1.0


def test_3_the_product_makes_xor_separable(texts, runs):
    state = decode(texts[3])
    assert state.layers == () and "x1x2" in state.features and state.dataset == "xor"
    scores = runs[3].scores()
    assert scores["train accuracy"] == scores["test accuracy"] == 1.0


def test_4_the_default_network_on_the_spiral(texts, runs):
    state = decode(texts[4])
    assert (state.dataset, state.layers, state.activation, state.optimizer) == \
        ("spiral", (4, 2), "tanh", "sgd")
    assert state.features == ("x1", "x2")
    assert round(100 * runs[4].scores()["test accuracy"]) == 62   # "62 % at this seed"
    seeds = accuracy_over_seeds(state)
    assert (min(seeds), max(seeds)) == (62, 76)                   # "62-76 % over data seeds 0-4"


def test_5_the_sines_and_the_bigger_network_together(texts, runs):
    sines = ("x1", "x2", "sinx1", "sinx2")
    both = decode(texts[5])
    assert both == decode(texts[4]).replace(features=sines, layers=(8, 8))
    assert accuracy_over_seeds(both) == [100] * 5           # "every test point right, seeds 0-4"
    bigger = accuracy_over_seeds(both.replace(features=("x1", "x2")))
    assert (min(bigger), max(bigger)) == (72, 83)                 # "the bigger network alone 72-83 %"
    small = accuracy_over_seeds(both.replace(layers=(4, 2)))
    assert (min(small), max(small)) == (72, 100)                  # "the default network with the sines"
    adam = accuracy_over_seeds(both.replace(features=("x1", "x2"), optimizer="adam", lr=0.01))
    assert (min(adam), max(adam)) == (92, 100)                    # "with Adam ... 92-100 %"


def test_6_too_large_a_step(texts, runs):
    """A chaotic run: its losses differ in their details from one processor to another (numpy's
    exp and log round differently with and without AVX-512), so the notebook says only what holds
    on every one of them (checked on a baseline CPU, with the 2-ulp probe and at the oldest
    versions)."""
    assert decode(texts[6]).lr == 10.0
    losses = np.array(runs[6].train_loss)
    assert round(losses[0], 2) == 0.70                             # "0.70 at the start"
    assert losses[-50:].min() > losses[0]                          # "never back down to it"
    assert np.median(losses[-50:]) > 1.0                           # "mostly above 1"
    assert np.sum(np.diff(losses) > 0) >= 30                      # "jumps around"


def test_6_the_hidden_layers_saturate_and_their_gradients_vanish(runs):
    """'the bars of the two hidden layers fall a thousand times or more below the output layer's,
    which stays at about 0.4'."""
    wild = runs[6].grad_norms
    assert np.all(wild[:2] * 1000 < wild[2]), wild
    assert round(wild[2], 1) == 0.4, wild
    runs[6].predict(runs[6].X_train)
    hidden = np.concatenate([a.ravel() for a in runs[6].net.a[1:-1]])
    assert np.mean(np.abs(hidden) > 0.99) > 0.9                    # tanh at +-1: saturated


def test_7_l1_keeps_only_the_squares(texts, runs):
    state = decode(texts[7])
    assert state.regularization == "L1" and len(state.features) == 7
    W = np.abs(runs[7].net.dense[0].params["W"])                   # (units, features)
    squares = [state.features.index(f) for f in ("x1sq", "x2sq")]
    others = [i for i in range(7) if i not in squares]
    assert W[:, others].max() < 0.001                              # "all below 0.001"
    assert 0.07 <= W[:, squares].mean() <= 0.11                    # "about 0.09"
    scores = runs[7].scores()
    assert scores["train accuracy"] == scores["test accuracy"] == 1.0   # "right on every point"
    # and it is the penalty that does it: without it, the other features keep their weights
    free = Session(state.replace(regularization="none", rate=0.0))
    free.train(EPOCHS)
    assert np.abs(free.net.dense[0].params["W"])[:, others].mean() > 0.05


def test_8_four_classes(texts, runs):
    session = runs[8]
    assert decode(texts[8]).classes == 4
    assert session.net.output == "softmax" and session.net.sizes[-1] == 4   # one unit per class
    assert set(session.y_train) == {0, 1, 2, 3}
    out = session.grid_outputs()[2]
    assert set(out.argmax(axis=0).ravel()) == {0, 1, 2, 3}          # each cluster gets its colour
    scores = session.scores()
    assert 0.9 < scores["train accuracy"] < 1.0                     # no boundary right for all
    seeds = accuracy_over_seeds(decode(texts[8]))
    assert (min(seeds), max(seeds)) == (99, 100)                  # "99-100 % over data seeds 0-4"


def test_9_regression_six_bumps(runs):
    session = runs[9]
    assert session.net.output == "identity"
    scores = session.scores()
    assert scores["train RMSE"] < 0.15 and scores["test RMSE"] < 0.15
    out = session.predict(session.X_test)[:, 0]
    assert np.corrcoef(out, session.y_test)[0, 1] > 0.95             # the bumps, with their signs


def test_10_the_test_loss_turns_up_while_the_training_loss_falls(runs):
    session = runs[10]
    assert len(session.X_train) == 100                              # "its 100 training points"
    test, train = np.array(session.test_loss), np.array(session.train_loss)
    best = int(test.argmin())
    assert best == 8                                                # "lowest at epoch 8 here"
    assert train[-1] < 0.01                                         # "to nearly 0"
    assert test[-1] > 1.3 * test[best]
    assert train[-1] < 0.5 * train[best] and train.argmin() >= EPOCHS - 10   # keeps falling


# ---- the other sentences of the notebook -----------------------------------------------------------

def test_six_layers_of_sigmoid_units_show_vanishing_gradients():
    """'Try 6 layers of sigmoid units' (the picture of the gradient norms): 6 hidden layers as the
    sliders give them (4, 2, then 4 each)."""
    layers = (4, 2, 4, 4, 4, 4)
    sigmoid, tanh = Session(State(layers=layers, activation="sigmoid")), Session(State(layers=layers))
    sigmoid.train(1)
    tanh.train(1)
    assert sigmoid.grad_norms[0] < sigmoid.grad_norms[-1] / 100
    assert tanh.grad_norms[0] > tanh.grad_norms[-1] / 10


def test_added_points_join_the_training_points_and_the_network_keeps_training():
    """'Added points join the training points at once, and the network keeps training.'"""
    session = Session(State())
    session.train(5)
    net, epoch = session.net, session.epoch
    session.configure(State(points=((1.0, 1.0, 1),)))
    assert list(session.X_train[-1]) == [1.0, 1.0]                   # joined at once
    assert session.net is net and session.epoch == epoch             # the same network goes on


def test_the_state_made_in_code():
    state = State(dataset="xor", layers=(), hide=("features",))
    text = encode(state)
    assert decode(text) == state and "hide=features" in text and "layers=none" in text
