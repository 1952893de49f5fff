"""The playground's engine: data, input features, network and training, without pictures.

Notebook 13's playground is TensorFlow Playground rebuilt from the series' own parts. Everything
it does apart from drawing happens here, driven by a ``playground_state.State`` (the value of
every control):

- ``make_data(state)``: ``N_POINTS`` points of the chosen data set, spread over the plane
  [-6, 6] x [-6, 6] like TensorFlow Playground's, plus the points the user added by clicking;
  split into training and test points by ``state.ratio``.
- ``features(X, names)``: the input features the network sees, x1, x2, x1^2, x2^2, x1 x2,
  sin x1, sin x2, computed from the point's coordinates.
- ``build_network(state, n_inputs)``: an ``nn.MLP`` (or the dropout version of notebook 09) with
  the chosen hidden layers and activation, and the output the problem needs: a sigmoid for two
  classes, a softmax for more, nothing (identity) for regression.
- ``Session``: one network in training. ``session.train(epochs)`` trains with ``training.fit``
  and keeps the optimizer's memory and the shuffling between calls, so training in bursts of a
  few epochs (one burst per animation frame) is the same as training in one go.
  ``session.configure(state)`` applies new control values: a change of data, features, network,
  activation, problem, loss or dropout starts a new network at epoch 0; the learning rate,
  optimizer, penalty and batch size change while the same network keeps training.

Same state, same numbers: the data and the initial weights are drawn from ``state.seed``.
"""
import math
import warnings

import numpy as np

from . import data, gradstats, nn, optim, regularization, training
from ._checks import as_float_array, check_choice, check_number
from .playground_state import State

N_POINTS = 500                      # points of every data set (TensorFlow Playground's number)
LIMIT = 6.0                         # the plane is [-LIMIT, LIMIT] in both directions
SCALES = {"circle": 4.5, "xor": 2.5, "gaussians": 2.0, "spiral": 2.5, "moons": 3.2, "v": 2.5}
# nbtools' data sets span [-1, 1] (circle) to [-2, 2]: scaled, each fills about [-5, 5]
RESOLUTION = 50                     # grid points per side for the output heat map
EXPLODE = 1e4                       # training has diverged when the loss grows this many times
NOISE = 1.2                         # the jitter's standard deviation at noise 100 %, on the plane

FEATURES = {                        # name -> (label, function of the coordinates x1, x2)
    "x1": ("x₁", lambda x1, x2: x1),
    "x2": ("x₂", lambda x1, x2: x2),
    "x1sq": ("x₁²", lambda x1, x2: x1 ** 2),
    "x2sq": ("x₂²", lambda x1, x2: x2 ** 2),
    "x1x2": ("x₁x₂", lambda x1, x2: x1 * x2),
    "sinx1": ("sin x₁", lambda x1, x2: np.sin(x1)),
    "sinx2": ("sin x₂", lambda x1, x2: np.sin(x2)),
}

# The controls whose change needs a new network (and, for the first group, new data).
DATA_KEYS = ("dataset", "problem", "classes", "noise", "ratio", "seed", "points")
NETWORK_KEYS = ("features", "layers", "activation", "loss", "dropout")

_CLASSIFIERS = {"circle": data.circles, "xor": data.xor, "spiral": data.spirals,
                "moons": data.moons, "v": data.v_shape}
_BUMPS = [(-3.5, 2.5, 1.0), (0.0, 2.5, -1.0), (3.5, 2.5, 1.0),     # (x1, x2, height): the
          (-3.5, -2.5, -1.0), (0.0, -2.5, 1.0), (3.5, -2.5, -1.0)]  # "bumps" regression target


def _regression_target(name, X):
    """The value to learn at every point: a tilted plane, or six Gaussian bumps of heights +-1."""
    if name == "plane":
        return (X[:, 0] + X[:, 1]) / 8.0
    target = np.zeros(len(X))
    for c1, c2, height in _BUMPS:
        target += height * np.exp(-((X[:, 0] - c1) ** 2 + (X[:, 1] - c2) ** 2) / (2 * 1.4 ** 2))
    return target


def _check_state(state):
    if not isinstance(state, State):
        raise TypeError(f"state must be a playground_state.State, got {type(state).__name__}; "
                        f"build one with State(dataset='xor', ...) or playground_state.decode(text).")
    return state


def point_targets(state):
    """The targets of the user's added points: class labels, or -1 / +1 in regression."""
    state = _check_state(state)
    labels = np.array([p[2] for p in state.points], dtype=np.int64)
    if state.problem == "regression":
        return 2.0 * labels - 1.0
    return labels


def make_data(state):
    """(X_train, y_train, X_test, y_test) for ``state``: ``N_POINTS`` points of the data set, the
    test fraction ``1 - ratio / 100`` of them held out (a random split drawn from the seed), then
    the user's added points, all of them training points.

    Classification: ``y`` holds labels 0, 1, ... Regression: ``y`` holds the values to learn.
    ``state.noise`` (percent) sets the standard deviation of the jitter added to every point:
    ``NOISE`` times noise / 100 on the plane (0.6 at 50 %). Points jittered past the edge of the
    plane are put back on it (a handful at the highest noise).
    """
    state = _check_state(state)
    rng = np.random.default_rng(state.seed)
    if state.problem == "regression":
        X = rng.uniform(-LIMIT + 1, LIMIT - 1, size=(N_POINTS, 2))
        y = _regression_target(state.dataset, X)
    elif state.dataset == "gaussians":
        X, y = data.blobs(n=N_POINTS, k=state.classes, noise=0.35, seed=rng)
        X = SCALES[state.dataset] * X
    else:
        X, y = _CLASSIFIERS[state.dataset](n=N_POINTS, noise=0.0, seed=rng)
        X = SCALES[state.dataset] * X
    X = X + NOISE * state.noise / 100 * rng.standard_normal(X.shape)
    X = np.clip(X, -LIMIT, LIMIT)
    n_train = round(N_POINTS * state.ratio / 100)
    order = rng.permutation(N_POINTS)
    train, test = order[:n_train], order[n_train:]
    X_train, y_train = X[train], y[train]
    if state.points:
        X_added = np.array([p[:2] for p in state.points], dtype=float)
        X_train = np.concatenate([X_train, X_added])
        y_train = np.concatenate([y_train, point_targets(state).astype(y_train.dtype)])
    return X_train, y_train, X[test], y[test]


def features(X, names):
    """The input features ``names`` (keys of ``FEATURES``) of the points X, shape (n, len(names))."""
    X = as_float_array(X, "X", ndim=2)
    if X.shape[1] != 2:
        raise ValueError(f"X must hold points of the plane, shape (n, 2); got shape {X.shape}.")
    if isinstance(names, str) or not names:
        raise TypeError(f"names must be a non-empty list of feature names from {list(FEATURES)}, "
                        f"got {names!r}.")
    names = [check_choice(name, "feature", FEATURES) for name in names]
    return np.column_stack([FEATURES[name][1](X[:, 0], X[:, 1]) for name in names])


def n_outputs(state):
    """1 for two classes or regression; one unit per class for three or more classes."""
    state = _check_state(state)
    classes = state.classes if state.dataset == "gaussians" else 2
    return classes if state.problem == "classification" and classes > 2 else 1


def build_network(state, n_inputs=None):
    """The network of ``state``: hidden layers ``state.layers`` with ``state.activation``, a
    Dropout after each when ``state.dropout > 0``, and the output the problem needs."""
    state = _check_state(state)
    sizes = [n_inputs or len(state.features), *state.layers, n_outputs(state)]
    output = ("identity" if state.problem == "regression"
              else "softmax" if sizes[-1] > 1 else "sigmoid")
    if state.dropout and state.layers:
        return regularization.dropout_mlp(sizes, state.dropout, hidden=state.activation,
                                          output=output, seed=state.seed)
    return nn.MLP(sizes, hidden=state.activation, output=output, seed=state.seed)


def loss_name(state):
    """The loss ``fit`` minimises: squared error (TensorFlow Playground's only loss, and the one
    for regression) or cross-entropy, binary or softmax by the output."""
    state = _check_state(state)
    if state.problem == "regression" or state.loss == "squared":
        return "mse"
    return "bce" if n_outputs(state) == 1 else "cross_entropy"


def make_optimizer(state):
    state = _check_state(state)
    return optim.get_optimizer(state.optimizer, lr=state.lr)    # sgd, momentum or adam


class Session:
    """One network in training on one data set; what the playground's pictures show.

    Attributes: ``state``; ``X_train, y_train, X_test, y_test`` (the points, in the plane) and
    ``F_train, F_test`` (their features); ``net``; ``epoch``; ``train_loss``, ``test_loss`` (one
    entry per epoch, epoch 0 included); ``grad_norms`` (||dL/dW|| of every layer, averaged over
    the steps of the last epoch trained); ``message`` (why training stopped, when it diverged).
    """

    def __init__(self, state):
        self.state = _check_state(state)
        self._new_data()

    # ---- building ---------------------------------------------------------------------------
    def _new_data(self):
        self.X_train, self.y_train, self.X_test, self.y_test = make_data(self.state)
        self._new_network()

    def _new_network(self):
        s = self.state
        self.F_train, self.F_test = features(self.X_train, s.features), features(self.X_test, s.features)
        self.net = build_network(s)
        self.T_train, self.T_test = self._targets(self.y_train), self._targets(self.y_test)
        self.optimizer = make_optimizer(s)
        self.rng = np.random.default_rng(s.seed)      # the shuffling of every epoch, kept across bursts
        self.epoch, self.message = 0, ""
        loss = training.loss_for(self.net, loss_name(s))
        self.net.eval()
        test = training.evaluate(self.net, self.F_test, self.T_test, loss)[0]
        self.train_loss, self.test_loss = [self._gradient_norms(loss)], [test]
        self.net.train()

    def _gradient_norms(self, loss):
        """Before training: ||dL/dW|| of every layer on the whole training set (the bars of the
        picture at epoch 0); returns the training loss."""
        stats = gradstats.layer_stats(self.net, self.F_train, self.T_train, loss)
        self.grad_norms = stats["grad_W"]
        self.net.zero_grad()
        return stats["loss"]

    def _targets(self, y):
        """Targets in the loss's format: labels, one-hot rows for squared error with a softmax,
        values for regression."""
        if self.state.problem == "classification" and n_outputs(self.state) > 1 \
                and self.state.loss == "squared":
            return data.one_hot(y, n_outputs(self.state))
        return y

    def configure(self, state):
        """Apply new control values; returns what was rebuilt: "data" (a new data set and a new
        network), "network", "points" (the added points changed: the same network goes on
        training on the new training set) or "" (the same network goes on training with the new
        learning rate, optimizer, penalty, ...). Nothing changes when the new state fails."""
        state, old = _check_state(state), self.state
        changed = {k for k in DATA_KEYS + NETWORK_KEYS if getattr(state, k) != getattr(old, k)}
        self.state = state
        try:
            if changed == {"points"}:
                self.X_train, self.y_train = make_data(state)[:2]
                self.F_train = features(self.X_train, state.features)
                self.T_train = self._targets(self.y_train)
                return "points"
            if changed & set(DATA_KEYS):
                self._new_data()
                return "data"
            if changed:
                self._new_network()
                return "network"
        except Exception:
            self.state = old
            raise
        if state.optimizer != old.optimizer:
            self.optimizer = make_optimizer(state)
        self.optimizer.lr = state.lr
        return ""

    def reset(self):
        """Back to epoch 0: the same starting weights (drawn from the seed) and no history."""
        self._new_network()

    # ---- training ---------------------------------------------------------------------------
    def train(self, epochs=1):
        """Train ``epochs`` more epochs. Returns False (and sets ``message``) when training has
        diverged: the loss became infinite or NaN, or grew 10,000-fold."""
        if self.message:
            return False
        s = self.state
        penalty = {"L1": {"l1": s.rate}, "L2": {"l2": s.rate}}.get(s.regularization, {})
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", training.DivergenceWarning)
            hist = training.fit(self.net, self.F_train, self.T_train, loss=loss_name(s),
                                optimizer=self.optimizer, epochs=epochs,
                                batch_size=min(s.batch, len(self.F_train)), seed=self.rng,
                                validation=(self.F_test, self.T_test), progress=False,
                                explode_factor=self._explode_factor(), **penalty)
        self.train_loss += hist.train_loss[1:]
        self.test_loss += hist.val_loss[1:]
        self.epoch += hist.epochs_run
        steps = max(1, len(hist.grad_norms) // max(1, epochs))
        if len(hist.grad_norms):
            self.grad_norms = hist.grad_norms[-steps:].mean(axis=0)
        if hist.diverged:
            self.message = (f"training diverged at epoch {self.epoch + 1} ({hist.message}); "
                            f"lower the learning rate and press reset")
            return False
        return True

    def _explode_factor(self):
        """``fit`` stops when a loss grows ``explode_factor`` times above the loss it starts
        from; this burst starts from the last loss, and the playground's limit is 10,000 times the
        network's first loss, so the factor is scaled to make the limit the same in every burst."""
        first, last = self.train_loss[0], self.train_loss[-1]
        if not last > 0:
            return math.inf
        return max(EXPLODE * first / last, 1.0 + 1e-9)

    # ---- what the pictures show -------------------------------------------------------------
    def predict(self, X):
        """The network's outputs at points X of the plane (evaluation mode: no dropout)."""
        self.net.eval()
        out = self.net.forward(features(X, self.state.features))
        self.net.train()
        return out

    def grid_outputs(self, resolution=RESOLUTION):
        """Every unit's output over a ``resolution`` x ``resolution`` grid of the plane.

        Returns (inputs, hidden, output): inputs (k, r, r) the features; hidden, one (units, r, r)
        array per hidden layer; output (outputs, r, r). Row i of a grid is x2 = the i-th value
        from -LIMIT up (draw with origin="lower").
        """
        resolution = check_number(resolution, "resolution", low=2, integer=True)
        t = np.linspace(-LIMIT, LIMIT, resolution)
        x1, x2 = np.meshgrid(t, t)
        with np.errstate(all="ignore"):      # weights blown up to inf or NaN still draw
            out = self.predict(np.column_stack([x1.ravel(), x2.ravel()]))
        def as_grids(a):
            return a.T.reshape(-1, resolution, resolution)
        return as_grids(self.net.a[0]), [as_grids(a) for a in self.net.a[1:-1]], as_grids(out)

    def penultimate(self):
        """The training points as the last hidden layer sees them, and that layer's index
        (0 when there is no hidden layer: the features themselves)."""
        self.net.eval()
        self.net.forward(self.F_train)
        self.net.train()
        return self.net.a[-2], len(self.net.dense) - 1

    def scores(self):
        """{"train loss", "test loss"} and "train accuracy", "test accuracy" (classification)
        or "train RMSE", "test RMSE" (regression), after the last epoch."""
        result = {"train loss": self.train_loss[-1], "test loss": self.test_loss[-1]}
        for part, X, y in (("train", self.X_train, self.y_train), ("test", self.X_test, self.y_test)):
            out = self.predict(X)
            if self.state.problem == "regression":
                result[f"{part} RMSE"] = float(np.sqrt(np.mean((out[:, 0] - y) ** 2)))
            else:
                guess = out.argmax(axis=1) if out.shape[1] > 1 else (out[:, 0] >= 0.5).astype(int)
                result[f"{part} accuracy"] = float(np.mean(guess == y))
        return result
