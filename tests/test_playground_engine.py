"""Tests of nbtools.playground, the engine of notebook 13's playground (no pictures).

Independent expectations: the features and the regression targets are written out here from
their formulas, forward passes are done by hand from the weights (``forward_by_hand``), accuracies
are counted point by point, the losses and one epoch of SGD (and its gradient norms) are computed
by hand for a network without hidden layer, and "the same" means another Session from the same
state trained another way.
"""
import math

import numpy as np
import pytest

from nbtools import playground as P
from nbtools.blocks import Dropout
from nbtools.playground_state import CLASSIFICATION_DATASETS, REGRESSION_DATASETS, State

FEATURE_NAMES = ("x1", "x2", "x1sq", "x2sq", "x1x2", "sinx1", "sinx2")
CLASSIFICATION = ("circle", "xor", "gaussians", "spiral", "moons", "v")
REGRESSION = ("plane", "bumps")


def state_of(dataset, **kw):
    problem = "regression" if dataset in REGRESSION else "classification"
    return State(dataset=dataset, problem=problem, **kw)


ACT = {"tanh": np.tanh, "relu": lambda z: np.maximum(z, 0), "linear": lambda z: z,
       "sigmoid": lambda z: 1 / (1 + np.exp(-z))}


def forward_by_hand(net, F, hidden="tanh"):
    """Every layer's activations [F, a1, ..., output] of an MLP, from its weights: a = f(a W^T + b)."""
    acts = [np.asarray(F, dtype=float)]
    for i, d in enumerate(net.dense):
        z = acts[-1] @ d.params["W"].T + d.params["b"]
        if i < len(net.dense) - 1:
            acts.append(ACT[hidden](z))
        elif net.output == "sigmoid":
            acts.append(1 / (1 + np.exp(-z)))
        elif net.output == "softmax":
            e = np.exp(z - z.max(axis=1, keepdims=True))
            acts.append(e / e.sum(axis=1, keepdims=True))
        else:
            acts.append(z)
    return acts


def weights(session):
    return [p.copy() for p in session.net.parameters()]


def same_weights(a, b):
    return len(a) == len(b) and all(np.array_equal(p, q, equal_nan=True) for p, q in zip(a, b))


# ---- make_data ---------------------------------------------------------------------------------

@pytest.mark.parametrize("ratio", range(10, 91, 10))
def test_the_500_points_are_split_by_the_ratio(ratio):
    X_train, y_train, X_test, y_test = P.make_data(State(ratio=ratio))
    assert (len(X_train), len(y_train)) == (5 * ratio,) * 2           # ratio % of 500
    assert (len(X_test), len(y_test)) == (500 - 5 * ratio,) * 2
    assert X_train.shape[1] == X_test.shape[1] == 2


def test_the_ratio_only_moves_points_between_training_and_test():
    def all_points(ratio):
        X_train, y_train, X_test, y_test = P.make_data(State(ratio=ratio))
        rows = np.column_stack([np.vstack([X_train, X_test]), np.concatenate([y_train, y_test])])
        return rows[np.lexsort(rows.T)]
    np.testing.assert_array_equal(all_points(30), all_points(80))
    for ratio in (10, 30, 90):                   # a random split: both classes in each part
        _, y_train, _, y_test = P.make_data(State(ratio=ratio))
        assert 0.3 < y_train.mean() < 0.7 and 0.3 < y_test.mean() < 0.7


@pytest.mark.parametrize("dataset", CLASSIFICATION + REGRESSION)
def test_the_same_state_gives_the_same_data_and_another_seed_other_data(dataset):
    a, b = P.make_data(state_of(dataset, noise=20)), P.make_data(state_of(dataset, noise=20))
    for u, v in zip(a, b):
        np.testing.assert_array_equal(u, v)
    c = P.make_data(state_of(dataset, noise=20, seed=1))
    assert not np.array_equal(a[0], c[0]) and not np.array_equal(a[2], c[2])


@pytest.mark.parametrize("dataset, classes", [(d, 2) for d in CLASSIFICATION] +
                         [("gaussians", k) for k in (3, 4, 5)])
def test_classification_labels_are_balanced(dataset, classes):
    _, y_train, _, y_test = P.make_data(state_of(dataset, classes=classes, noise=30))
    counts = np.bincount(np.concatenate([y_train, y_test]))
    assert len(counts) == classes and counts.sum() == 500
    assert counts.max() - counts.min() <= 1                              # 250/250, 167/167/166, ...
    assert y_train.dtype.kind == "i"


@pytest.mark.parametrize("dataset", CLASSIFICATION + REGRESSION)
def test_every_data_set_lies_inside_the_plane_without_noise(dataset):
    for seed in range(3):
        X_train, _, X_test, _ = P.make_data(state_of(dataset, seed=seed, classes=5))
        X = np.vstack([X_train, X_test])
        assert np.abs(X).max() <= 6.0
        assert np.abs(X).max() > 3.0                                    # it fills the plane


@pytest.mark.parametrize("dataset", CLASSIFICATION_DATASETS + REGRESSION_DATASETS)
def test_every_data_set_lies_inside_the_plane_at_any_noise(dataset):
    for seed in range(3):
        X_train, _, X_test, _ = P.make_data(state_of(dataset, seed=seed, noise=50, classes=5))
        assert np.abs(np.vstack([X_train, X_test])).max() <= 6.0


def test_the_plane_target_is_x1_plus_x2_over_8():
    X_train, y_train, X_test, y_test = P.make_data(state_of("plane"))
    for X, y in ((X_train, y_train), (X_test, y_test)):
        np.testing.assert_allclose(y, (X[:, 0] + X[:, 1]) / 8, rtol=0, atol=1e-15)
    # the points are drawn in [-5, 5]^2 (one unit inside the plane): targets within +-10/8
    assert y_train.dtype.kind == "f" and -1.25 <= y_train.min() < -0.8 and 0.8 < y_train.max() <= 1.25


def bumps_by_hand(x1, x2):
    """Six Gaussian bumps (width 1.4) at x1 = -3.5, 0, 3.5 and x2 = +-2.5, heights +-1 alternating
    like a chess board, +1 at the top left."""
    total = 0.0
    for i, c1 in enumerate((-3.5, 0.0, 3.5)):
        for j, c2 in enumerate((2.5, -2.5)):
            height = 1.0 if (i + j) % 2 == 0 else -1.0
            total = total + height * np.exp(-((x1 - c1) ** 2 + (x2 - c2) ** 2) / (2 * 1.4 ** 2))
    return total


def test_the_bumps_target_is_six_bumps():
    X_train, y_train, _, _ = P.make_data(state_of("bumps"))
    np.testing.assert_allclose(y_train, bumps_by_hand(X_train[:, 0], X_train[:, 1]), atol=1e-12)
    # symmetric in x1, antisymmetric in x2 (checked on the formula at the data's points)
    X = X_train
    np.testing.assert_allclose(bumps_by_hand(-X[:, 0], X[:, 1]), y_train, atol=1e-12)
    np.testing.assert_allclose(bumps_by_hand(X[:, 0], -X[:, 1]), -y_train, atol=1e-12)


@pytest.mark.parametrize("dataset", REGRESSION)
def test_regression_noise_moves_the_points_after_the_target_is_computed(dataset):
    X0, y0, T0, t0 = P.make_data(state_of(dataset))
    X25, y25, T25, t25 = P.make_data(state_of(dataset, noise=25))
    X50, y50, T50, t50 = P.make_data(state_of(dataset, noise=50))
    np.testing.assert_array_equal(y50, y0)                   # the same targets ...
    np.testing.assert_array_equal(t50, t0)
    assert np.abs(X50 - X0).mean() > 0.1                     # ... at moved points
    np.testing.assert_allclose(X50 - X0, 2 * (X25 - X0), atol=1e-12)   # noise grows linearly


def test_added_points_are_training_points_with_their_labels():
    base = P.make_data(State())
    points = ((1.5, -2.0, 1), (0.0, 0.5, 0), (-6.0, 6.0, 1))
    X_train, y_train, X_test, y_test = P.make_data(State(points=points))
    np.testing.assert_array_equal(X_train[:-3], base[0])
    np.testing.assert_array_equal(y_train[:-3], base[1])
    np.testing.assert_array_equal(X_train[-3:], [[1.5, -2.0], [0.0, 0.5], [-6.0, 6.0]])
    np.testing.assert_array_equal(y_train[-3:], [1, 0, 1])
    np.testing.assert_array_equal(X_test, base[2])
    np.testing.assert_array_equal(y_test, base[3])


def test_added_points_of_many_classes():
    points = ((1.0, 1.0, 3), (2.0, 2.0, 2))
    _, y_train, _, _ = P.make_data(State(dataset="gaussians", classes=4, points=points))
    assert list(y_train[-2:]) == [3, 2]


def test_added_regression_points_have_targets_minus_1_and_plus_1():
    base = P.make_data(state_of("bumps"))
    X_train, y_train, X_test, _ = P.make_data(state_of("bumps", points=((1.0, 2.0, 0), (3.0, -1.0, 1)),
                                                       click=0))
    np.testing.assert_array_equal(X_train[-2:], [[1.0, 2.0], [3.0, -1.0]])
    assert list(y_train[-2:]) == [-1.0, 1.0]
    np.testing.assert_array_equal(y_train[:-2], base[1])
    np.testing.assert_array_equal(X_test, base[2])
    assert list(P.point_targets(state_of("plane", points=((0.0, 0.0, 1), (0.0, 0.0, 0))))) == [1, -1]


def test_classes_applies_to_the_gaussians_only():
    for a, b in zip(P.make_data(State(classes=2)), P.make_data(State(classes=4))):
        np.testing.assert_array_equal(a, b)                              # circle: two classes
    _, y_train, _, y_test = P.make_data(State(dataset="gaussians", classes=4))
    assert set(np.concatenate([y_train, y_test])) == {0, 1, 2, 3}


# ---- features ----------------------------------------------------------------------------------

POINTS = np.array([[1.0, 2.0], [-0.5, math.pi / 2], [0.0, -3.0]])
BY_HAND = {          # the seven features at the three POINTS, worked out by hand
    "x1": [1.0, -0.5, 0.0],
    "x2": [2.0, math.pi / 2, -3.0],
    "x1sq": [1.0, 0.25, 0.0],
    "x2sq": [4.0, math.pi ** 2 / 4, 9.0],
    "x1x2": [2.0, -math.pi / 4, -0.0],
    "sinx1": [0.8414709848078965, -0.479425538604203, 0.0],
    "sinx2": [0.9092974268256817, 1.0, -0.1411200080598672],
}


@pytest.mark.parametrize("name", FEATURE_NAMES)
def test_each_feature_by_hand(name):
    F = P.features(POINTS, [name])
    assert F.shape == (3, 1)
    np.testing.assert_allclose(F[:, 0], BY_HAND[name], rtol=1e-14, atol=1e-15)


def test_features_are_columns_in_the_order_asked():
    F = P.features(POINTS, ["sinx2", "x1", "x1x2"])
    np.testing.assert_allclose(F, np.column_stack([BY_HAND["sinx2"], BY_HAND["x1"], BY_HAND["x1x2"]]),
                               atol=1e-15)
    assert P.features(POINTS.tolist(), FEATURE_NAMES).shape == (3, 7)


# ---- the network ---------------------------------------------------------------------------------

@pytest.mark.parametrize("kw, sizes, output, loss", [
    ({}, [2, 4, 2, 1], "sigmoid", "bce"),
    ({"layers": ()}, [2, 1], "sigmoid", "bce"),
    ({"features": FEATURE_NAMES, "layers": (8,) * 6}, [7] + [8] * 6 + [1], "sigmoid", "bce"),
    ({"loss": "squared"}, [2, 4, 2, 1], "sigmoid", "mse"),
    ({"dataset": "gaussians", "classes": 2}, [2, 4, 2, 1], "sigmoid", "bce"),
    ({"dataset": "gaussians", "classes": 3}, [2, 4, 2, 3], "softmax", "cross_entropy"),
    ({"dataset": "gaussians", "classes": 5, "layers": (3,)}, [2, 3, 5], "softmax", "cross_entropy"),
    ({"dataset": "gaussians", "classes": 4, "loss": "squared"}, [2, 4, 2, 4], "softmax", "mse"),
    ({"classes": 4}, [2, 4, 2, 1], "sigmoid", "bce"),                   # circle: classes ignored
    ({"dataset": "plane", "problem": "regression"}, [2, 4, 2, 1], "identity", "mse"),
    ({"dataset": "bumps", "problem": "regression", "loss": "squared", "features": ("x1sq",)},
     [1, 4, 2, 1], "identity", "mse"),
])
def test_network_sizes_output_and_loss(kw, sizes, output, loss):
    state = State(**kw)
    net = P.build_network(state)
    assert net.sizes == sizes and net.output == output
    assert P.n_outputs(state) == sizes[-1]
    assert P.loss_name(state) == loss
    assert P.build_network(state, n_inputs=5).sizes == [5] + sizes[1:]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "linear"])
def test_the_hidden_activation_is_the_chosen_one(activation):
    state = State(activation=activation, layers=(3, 2))
    net = P.build_network(state)
    F = P.features(POINTS, state.features)
    np.testing.assert_allclose(net.forward(F), forward_by_hand(net, F, activation)[-1], rtol=1e-12)


@pytest.mark.parametrize("dropout, layers, n_dropout", [
    (0.0, (4, 2), 0), (0.2, (4, 2), 2), (0.5, (8, 8, 8), 3), (0.3, (), 0)])
def test_dropout_layers_only_with_dropout_and_hidden_layers(dropout, layers, n_dropout):
    net = P.build_network(State(dropout=dropout, layers=layers))
    assert sum(isinstance(layer, Dropout) for layer in net.layers) == n_dropout
    assert all(d.rate == dropout for d in net.layers if isinstance(d, Dropout))


def test_same_seed_same_weights_other_seed_other_weights():
    for kw in ({}, {"dropout": 0.2}, {"layers": (8, 8, 8)}):
        a, b = P.build_network(State(**kw)), P.build_network(State(**kw))
        assert same_weights(a.parameters(), b.parameters())
        c = P.build_network(State(seed=1, **kw))
        assert not np.array_equal(a.parameters()[0], c.parameters()[0])
    # dropout does not change the starting weights
    assert same_weights(P.build_network(State(dropout=0.5)).parameters(),
                        P.build_network(State()).parameters())


# ---- Session: training in bursts ----------------------------------------------------------------

@pytest.mark.parametrize("kw", [
    {},
    {"optimizer": "adam", "batch": 7},
    {"optimizer": "momentum", "batch": 3, "lr": 0.01},
    {"regularization": "L1", "rate": 0.003, "batch": 30},
    {"dataset": "gaussians", "classes": 3, "loss": "squared", "optimizer": "adam"},
    {"dataset": "bumps", "problem": "regression", "optimizer": "adam", "batch": 13},
])
def test_training_in_bursts_equals_training_in_one_go(kw):
    bursts, one_go = P.Session(State(**kw)), P.Session(State(**kw))
    for _ in range(5):
        assert bursts.train(1)
    assert one_go.train(5)
    assert bursts.epoch == one_go.epoch == 5
    assert same_weights(weights(bursts), weights(one_go))
    assert bursts.train_loss == one_go.train_loss and bursts.test_loss == one_go.test_loss
    assert len(bursts.train_loss) == 6
    np.testing.assert_array_equal(bursts.grad_norms, one_go.grad_norms)
    # and the training really moved: not a network that stands still
    assert not same_weights(weights(bursts), weights(P.Session(State(**kw))))


def test_training_in_bursts_equals_training_in_one_go_with_dropout():
    bursts, one_go = P.Session(State(dropout=0.3)), P.Session(State(dropout=0.3))
    for _ in range(5):
        bursts.train(1)
    one_go.train(5)
    assert same_weights(weights(bursts), weights(one_go))


# ---- Session.configure ---------------------------------------------------------------------------

def trained(state=None, epochs=3):
    session = P.Session(state or State())
    session.train(epochs)
    return session


@pytest.mark.parametrize("change", [
    {"dataset": "xor"}, {"dataset": "plane", "problem": "regression"}, {"noise": 10},
    {"ratio": 60}, {"seed": 7}, {"points": ((1.0, 1.0, 0),), "noise": 10}])
def test_a_change_of_data_makes_new_data_and_a_new_network(change):
    session, old = trained(), P.Session(State())
    net = session.net
    assert session.configure(State(**change)) == "data"
    assert session.epoch == 0 and session.net is not net and len(session.train_loss) == 1
    changed = any(a.shape != b.shape or not np.array_equal(a, b)
                  for a, b in ((session.X_train, old.X_train), (session.y_train, old.y_train)))
    assert changed
    fresh = P.Session(State(**change))
    np.testing.assert_array_equal(session.X_train, fresh.X_train)
    assert same_weights(weights(session), weights(fresh))


def test_added_points_join_the_training_set_and_the_same_network_keeps_training():
    session = trained()
    net, epoch, before = session.net, session.epoch, weights(session)
    n = len(session.X_train)
    assert session.configure(State(points=((1.0, 1.0, 0), (-2.5, 0.3, 1)))) == "points"
    assert session.net is net and session.epoch == epoch and same_weights(weights(session), before)
    np.testing.assert_array_equal(session.X_train[n:], [[1.0, 1.0], [-2.5, 0.3]])
    np.testing.assert_array_equal(session.y_train[n:], [0, 1])
    np.testing.assert_array_equal(session.F_train, session.X_train)        # features x1, x2
    assert len(session.T_train) == n + 2
    session.train(1)                                       # trains on the 2 new points too
    assert session.epoch == epoch + 1


def test_a_change_of_classes_makes_new_data():
    session = trained(State(dataset="gaussians", classes=3))
    assert session.configure(State(dataset="gaussians", classes=4)) == "data"
    assert session.net.sizes[-1] == 4 and set(session.y_train) == {0, 1, 2, 3}


@pytest.mark.parametrize("change", [
    {"features": ("x1", "x2", "x1x2")}, {"layers": (3,)}, {"activation": "relu"},
    {"loss": "squared"}, {"dropout": 0.2}])
def test_a_change_of_network_makes_a_new_network_on_the_same_data(change):
    session = trained()
    X_train, X_test = session.X_train, session.X_test
    assert session.configure(State(**change)) == "network"
    assert session.epoch == 0 and len(session.train_loss) == len(session.test_loss) == 1
    assert session.X_train is X_train and session.X_test is X_test
    assert same_weights(weights(session), weights(P.Session(State(**change))))
    assert session.F_train.shape[1] == len(session.state.features)


@pytest.mark.parametrize("change", [
    {"lr": 0.1}, {"optimizer": "adam"}, {"optimizer": "momentum", "lr": 0.3},
    {"regularization": "L2", "rate": 0.01}, {"rate": 0.3}, {"batch": 4}, {"epf": 7},
    {"show_test": True}, {"discretize": True}, {"click": 0}, {"hide": ("noise", "lr")}])
def test_other_changes_keep_training_the_same_network(change):
    session = trained()
    net, params, epoch, losses = session.net, session.net.parameters(), session.epoch, session.train_loss[:]
    values = [p.copy() for p in params]
    assert session.configure(State(**change)) == ""
    assert session.net is net and session.epoch == epoch == 3 and session.train_loss == losses
    assert all(p is q for p, q in zip(session.net.parameters(), params))
    assert same_weights(session.net.parameters(), values)
    assert session.optimizer.lr == State(**change).lr
    assert type(session.optimizer).__name__.lower() == {"sgd": "sgd", "momentum": "sgd",
                                                        "adam": "adam"}[session.state.optimizer]
    assert session.train(1) and session.epoch == 4


def test_a_new_learning_rate_changes_the_training_that_follows():
    slow, fast = trained(), trained()
    fast.configure(State(lr=1.0))
    slow.train(1)
    fast.train(1)
    step_slow = np.abs(weights(slow)[0] - weights(trained())[0]).sum()
    step_fast = np.abs(weights(fast)[0] - weights(trained())[0]).sum()
    assert step_fast > 5 * step_slow                      # lr 1 against 0.03


def test_momentum_is_sgd_with_memory():
    session = trained(State(optimizer="momentum"))
    assert session.optimizer.momentum > 0
    assert trained(State()).optimizer.momentum == 0


# ---- reset, divergence, penalties ----------------------------------------------------------------

def test_reset_restores_the_starting_weights_exactly():
    for kw in ({}, {"optimizer": "adam", "batch": 5}, {"dropout": 0.2}):
        session, fresh = trained(State(**kw), epochs=4), P.Session(State(**kw))
        session.reset()
        assert session.epoch == 0 and session.train_loss == fresh.train_loss
        assert session.test_loss == fresh.test_loss
        assert same_weights(weights(session), weights(fresh))
        session.train(3)                                  # the shuffling starts over too
        fresh.train(3)
        assert same_weights(weights(session), weights(fresh))


DIVERGING = State(dataset="plane", problem="regression", activation="linear", lr=10.0)


def test_training_that_diverges_stops_and_says_so():
    session = P.Session(DIVERGING)
    assert session.train(5) is False
    assert "learning rate" in session.message and "diverged" in session.message
    before, losses, epoch = weights(session), session.train_loss[:], session.epoch
    for _ in range(3):
        assert session.train(1) is False
    assert same_weights(weights(session), before) and session.train_loss == losses
    assert session.epoch == epoch
    session.reset()
    assert session.message == "" and session.epoch == 0


def test_divergence_is_found_the_same_in_bursts_as_in_one_go():
    state = State(dataset="plane", problem="regression", lr=1.0, optimizer="momentum")
    one_go, bursts = P.Session(state), P.Session(state)
    assert one_go.train(60) is False
    while bursts.epoch < 60 and bursts.train(1):
        pass
    assert bursts.message and bursts.epoch == one_go.epoch


def test_a_small_learning_rate_does_not_diverge():
    session = P.Session(DIVERGING.replace(lr=0.01))
    assert session.train(5) and session.message == ""


def test_l1_and_l2_penalties_change_training_and_l2_shrinks_the_weights():
    def run(**kw):
        return trained(State(**kw), epochs=20)
    none = run()
    def norm(s):
        return sum(float((d.params["W"] ** 2).sum()) for d in s.net.dense)
    l2, l1 = run(regularization="L2", rate=0.03), run(regularization="L1", rate=0.01)
    assert not same_weights(weights(l2), weights(none))
    assert not same_weights(weights(l1), weights(none))
    assert norm(l2) < 0.8 * norm(none)
    assert sum(float(np.abs(d.params["W"]).sum()) for d in l1.net.dense) < \
        sum(float(np.abs(d.params["W"]).sum()) for d in none.net.dense)
    # a rate without a penalty, or a penalty of rate 0, changes nothing
    assert same_weights(weights(run(rate=0.3)), weights(none))
    assert same_weights(weights(run(regularization="L2")), weights(none))


# ---- what the pictures show ----------------------------------------------------------------------

def test_scores_count_the_correct_predictions_point_by_point():
    session = trained(State(noise=30), epochs=4)
    scores = session.scores()
    assert set(scores) == {"train loss", "test loss", "train accuracy", "test accuracy"}
    for part, X, y in (("train", session.X_train, session.y_train), ("test", session.X_test, session.y_test)):
        p = forward_by_hand(session.net, P.features(X, ("x1", "x2")))[-1][:, 0]
        correct = 0
        for p_i, y_i in zip(p, y):
            correct += (1 if p_i >= 0.5 else 0) == y_i
        assert scores[f"{part} accuracy"] == correct / len(y)
        bce = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))           # the loss, by hand
        assert scores[f"{part} loss"] == pytest.approx(bce, rel=1e-9)
    assert 0.5 < scores["train accuracy"] < 1                             # some wrong, some right


def test_scores_of_many_classes_take_the_most_likely_class():
    session = trained(State(dataset="gaussians", classes=3, noise=50), epochs=3)
    p = forward_by_hand(session.net, session.F_test)[-1]
    correct = sum(int(np.argmax(row)) == label for row, label in zip(p, session.y_test))
    assert session.scores()["test accuracy"] == correct / len(p)
    cross_entropy = -np.mean(np.log(p[np.arange(len(p)), session.y_test]))
    assert session.scores()["test loss"] == pytest.approx(cross_entropy, rel=1e-9)


def test_regression_scores_are_rmse():
    session = trained(State(dataset="bumps", problem="regression"), epochs=3)
    scores = session.scores()
    assert set(scores) == {"train loss", "test loss", "train RMSE", "test RMSE"}
    for part, X, y in (("train", session.X_train, session.y_train), ("test", session.X_test, session.y_test)):
        out = session.predict(X)[:, 0]
        squared = [(o - t) ** 2 for o, t in zip(out, y)]
        assert scores[f"{part} RMSE"] == pytest.approx(math.sqrt(sum(squared) / len(squared)), rel=1e-12)
        # the loss is half the mean squared error (nbtools' mse)
        assert scores[f"{part} loss"] == pytest.approx(sum(squared) / len(squared) / 2, rel=1e-9)


def test_grid_outputs_are_the_network_over_the_plane():
    session = trained(State(features=("x1", "x2", "x1x2"), layers=(3, 2)), epochs=2)
    inputs, hidden, out = session.grid_outputs(resolution=9)
    assert inputs.shape == (3, 9, 9) and [h.shape for h in hidden] == [(3, 9, 9), (2, 9, 9)]
    assert out.shape == (1, 9, 9)
    t = np.linspace(-6, 6, 9)
    for i in (0, 4, 8):                       # row i: x2 = t[i]; column j: x1 = t[j]
        for j in (0, 3, 8):
            x1, x2 = t[j], t[i]
            np.testing.assert_allclose(inputs[:, i, j], [x1, x2, x1 * x2], atol=1e-12)
            point = np.array([[x1, x2]])
            assert out[0, i, j] == pytest.approx(session.predict(point)[0, 0], rel=1e-12)
            acts = forward_by_hand(session.net, [[x1, x2, x1 * x2]])
            np.testing.assert_allclose(hidden[0][:, i, j], acts[1][0], rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(hidden[1][:, i, j], acts[2][0], rtol=1e-12, atol=1e-14)
    assert P.Session(State()).grid_outputs()[2].shape == (1, P.RESOLUTION, P.RESOLUTION)


def test_grid_outputs_of_many_classes_and_no_hidden_layer():
    session = P.Session(State(dataset="gaussians", classes=4, layers=()))
    inputs, hidden, out = session.grid_outputs(resolution=5)
    assert inputs.shape == (2, 5, 5) and hidden == [] and out.shape == (4, 5, 5)
    np.testing.assert_allclose(out.sum(axis=0), 1.0, atol=1e-12)          # softmax probabilities


def test_penultimate_is_the_last_hidden_layer_on_the_training_points():
    session = trained(State(layers=(5, 3)), epochs=2)
    A, layer = session.penultimate()
    assert layer == 2 and A.shape == (250, 3)
    np.testing.assert_allclose(A, forward_by_hand(session.net, session.F_train)[2], rtol=1e-12)
    session = P.Session(State(layers=(), features=("x1", "x2sq")))
    A, layer = session.penultimate()
    assert layer == 0
    np.testing.assert_array_equal(A, np.column_stack([session.X_train[:, 0], session.X_train[:, 1] ** 2]))


def test_predictions_and_penultimate_use_every_unit_when_there_is_dropout():
    session = trained(State(dropout=0.5, layers=(8, 8)), epochs=2)
    np.testing.assert_array_equal(session.predict(POINTS), session.predict(POINTS))
    np.testing.assert_allclose(session.predict(POINTS),
                               forward_by_hand(session.net, POINTS)[-1], rtol=1e-12)
    np.testing.assert_allclose(session.penultimate()[0],
                               forward_by_hand(session.net, session.F_train)[2], rtol=1e-12)


def test_grad_norms_one_per_layer_positive_and_finite_before_and_after_training():
    session = P.Session(State(layers=(4, 4, 4)))
    assert session.grad_norms.shape == (4,)
    assert np.all(np.isfinite(session.grad_norms)) and np.all(session.grad_norms > 0)
    session.train(2)
    assert session.grad_norms.shape == (4,)
    assert np.all(np.isfinite(session.grad_norms)) and np.all(session.grad_norms > 0)


def test_one_epoch_and_its_gradient_norms_by_hand():
    """No hidden layer: logistic regression, 50 training points, batches of 30 and 20. One epoch of
    SGD by hand: p = sigmoid(X w + b), dL/dw = mean over the batch of (p - y) x. Before training,
    the picture shows ||dL/dw|| on the whole training set."""
    state = State(layers=(), ratio=10, batch=30, lr=0.3, seed=3)
    session = P.Session(state)
    w, b = session.net.dense[0].params["W"][0].copy(), session.net.dense[0].params["b"][0]
    X, y = session.F_train, session.y_train
    p = 1 / (1 + np.exp(-(X @ w + b)))
    assert session.grad_norms[0] == pytest.approx(np.linalg.norm((p - y) @ X / 50), rel=1e-12)
    order = np.random.default_rng(3).permutation(50)             # the epoch's shuffle
    norms = []
    for batch in (order[:30], order[30:]):
        p = 1 / (1 + np.exp(-(X[batch] @ w + b)))
        g_w, g_b = (p - y[batch]) @ X[batch] / len(batch), np.mean(p - y[batch])
        norms.append(np.linalg.norm(g_w))
        w, b = w - 0.3 * g_w, b - 0.3 * g_b
    assert session.train(1)
    np.testing.assert_allclose(session.net.dense[0].params["W"][0], w, rtol=1e-12)
    assert session.net.dense[0].params["b"][0] == pytest.approx(b, rel=1e-12)
    assert session.grad_norms[0] == pytest.approx(np.mean(norms), rel=1e-12)


def test_two_epochs_average_the_gradient_norms_of_the_last_epoch_only():
    a, b = P.Session(State(layers=(), ratio=10, batch=30)), P.Session(State(layers=(), ratio=10, batch=30))
    a.train(2)
    b.train(1)
    first = b.grad_norms.copy()
    b.train(1)
    np.testing.assert_allclose(a.grad_norms, b.grad_norms, rtol=1e-12)
    assert not np.allclose(first, b.grad_norms)


def test_many_classes_with_squared_error_train():
    session = P.Session(State(dataset="gaussians", classes=3, loss="squared"))
    assert session.T_train.shape == (250, 3)                         # one-hot rows
    assert session.train(3) and np.isfinite(session.train_loss).all()
    assert session.train_loss[-1] < session.train_loss[0]


# ---- bad input -------------------------------------------------------------------------------------

@pytest.mark.parametrize("call", [
    lambda: P.Session("xor"), lambda: P.Session(None), lambda: P.make_data(None),
    lambda: P.make_data({"dataset": "xor"}), lambda: P.build_network("x"),
    lambda: P.n_outputs(None), lambda: P.loss_name("xor"), lambda: P.make_optimizer(None),
    lambda: P.point_targets(None), lambda: P.Session(State()).configure("v=1&check=00000000")])
def test_a_session_needs_a_state(call):
    with pytest.raises(TypeError, match=r"State.*decode"):
        call()


@pytest.mark.parametrize("call, error, words", [
    (lambda: P.features(POINTS, ["x3"]), ValueError, "x3"),
    (lambda: P.features(POINTS, "x1"), TypeError, "list of feature names"),
    (lambda: P.features(POINTS, []), TypeError, "non-empty"),
    (lambda: P.features(np.zeros(3), ["x1"]), ValueError, "2-D"),
    (lambda: P.features(np.zeros((3, 3)), ["x1"]), ValueError, r"\(n, 2\)"),
    (lambda: P.features([[0.0, np.nan]], ["x1"]), ValueError, "NaN"),
    (lambda: P.Session(State()).predict(np.zeros((3, 3))), ValueError, r"\(n, 2\)"),
    (lambda: P.Session(State()).predict("a"), TypeError, "numbers")],
    ids=["unknown feature", "feature as str", "no feature", "1-D points", "3 columns", "NaN",
         "predict 3 columns", "predict str"])
def test_bad_points_and_feature_names_are_refused_clearly(call, error, words):
    with pytest.raises(error, match=words):
        call()


@pytest.mark.parametrize("resolution, error", [(0, ValueError), (1.5, TypeError), ("a", TypeError)])
def test_a_bad_resolution_is_refused_clearly(resolution, error):
    with pytest.raises(error, match="resolution"):
        P.Session(State()).grid_outputs(resolution)


def test_bad_epochs_are_refused():
    session = P.Session(State())
    with pytest.raises(ValueError, match="epochs"):
        session.train(-1)
    with pytest.raises(TypeError, match="epochs"):
        session.train(1.5)
