"""Property-based: random shapes and values at the public API give a clear error or a right answer.

"Clear" means a ValueError or TypeError (never an IndexError, a numpy broadcasting error, or a
silent NaN), and its message names the argument that was wrong.
"""
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from nbtools import data, optim
from nbtools.nn import MLP
from nbtools.training import fit

FLOATS = st.floats(allow_nan=True, allow_infinity=True, width=64)
ARRAYS = hnp.arrays(np.float64, hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=6), elements=FLOATS)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(X=ARRAYS, n_in=st.integers(1, 4))
def test_forward_gives_right_shape_or_a_clear_error(X, n_in):
    net = MLP([n_in, 3, 1], seed=0)
    try:
        out = net.forward(X)
    except (ValueError, TypeError) as err:
        assert "X" in str(err)
        assert X.ndim != 2 or X.shape[1] != n_in or not np.all(np.isfinite(X))
    else:
        assert X.ndim == 2 and X.shape[1] == n_in and np.all(np.isfinite(X))
        assert out.shape == (len(X), 1) and np.all((out >= 0) & (out <= 1))


@SETTINGS
@given(sizes=st.lists(st.integers(-2, 5), min_size=0, max_size=5),
       hidden=st.sampled_from(["relu", "tanh", "sigmoid", "leaky_relu", "identity", "gelu", "RELU", ""]))
def test_construction_is_valid_or_explained(sizes, hidden):
    try:
        net = MLP(sizes, hidden=hidden, seed=0)
    except (ValueError, TypeError) as err:
        assert "sizes" in str(err) or "activation" in str(err)
    else:
        assert len(sizes) >= 2 and min(sizes) >= 1
        assert net.forward(np.zeros((2, sizes[0]))).shape == (2, sizes[-1])


@SETTINGS
@given(n=st.integers(2, 40), labels=st.lists(st.integers(-1, 2), min_size=1, max_size=40),
       batch_size=st.one_of(st.none(), st.integers(-2, 60)),
       lr=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-1, 2)),
       name=st.sampled_from(["sgd", "adam", "momentum", "rmsprop", "adamw", "nesterov", "lbfgs"]))
def test_fit_trains_or_explains(n, labels, batch_size, lr, name):
    X, _ = data.moons(n=n, seed=0)
    y = np.array(labels)
    try:
        hist = fit(MLP([2, 4, 1], seed=0), X, y, optimizer=name, lr=lr, epochs=2, batch_size=batch_size, seed=0)
    except (ValueError, TypeError) as err:
        message = str(err)
        assert any(word in message for word in ("y", "batch_size", "lr", "optimizer", "Unknown"))
    else:
        assert len(y) == n and set(np.unique(y)) <= {0, 1}
        assert batch_size is None or 1 <= batch_size <= n
        assert np.all(np.isfinite(hist.train_loss)) or hist.diverged


@SETTINGS
@given(p=ARRAYS, g=ARRAYS)
def test_optimizer_step_updates_or_explains(p, g):
    opt = optim.Adam(lr=0.1)
    before = p.copy()
    try:
        with np.errstate(over="ignore", invalid="ignore"):  # gradients near 1e308 are part of the test
            opt.step([p], [g])
    except (ValueError, TypeError) as err:
        assert "grads" in str(err) or "params" in str(err)
        assert p.shape != g.shape
    else:
        assert p.shape == g.shape
        finite = np.isfinite(g) & np.isfinite(before)
        # Adam's first step moves each coordinate by lr * g / (|g| + eps): at most lr, plus the
        # rounding of p itself (a float near 1e300 cannot move by 0.1 exactly)
        with np.errstate(over="ignore"):  # the spacing of numbers near 1.8e308 is inf: no bound
            slack = 2 * np.spacing(np.abs(before[finite]))
        assert np.all(np.abs(p[finite] - before[finite]) <= 0.1 + 1e-12 + slack)


@SETTINGS
@given(n=st.integers(-3, 50), noise=st.one_of(st.floats(-1, 2), st.just(float("nan"))), name=st.sampled_from(sorted(data.DATASETS)))
def test_data_sets_are_valid_or_explained(n, noise, name):
    try:
        X, y = data.load(name, n=n, noise=noise, seed=0)
    except (ValueError, TypeError) as err:
        assert "n" in str(err) or "noise" in str(err)
    else:
        assert X.shape == (n, 2) and y.shape == (n,) and np.all(np.isfinite(X))
