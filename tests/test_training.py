"""fit: learns, is reproducible, records what the plots need, stops on divergence and early."""
import warnings

import numpy as np
import pytest

from nbtools import data, optim, schedules
from nbtools.losses import BinaryCrossEntropy, MeanSquaredError, SoftmaxCrossEntropy
from nbtools.nn import MLP
from nbtools.training import DivergenceWarning, evaluate, fit, uses_logits

X, Y = data.moons(n=200, noise=0.1, seed=0)


def test_fit_learns_moons():
    net = MLP([2, 16, 16, 1], seed=0)
    hist = fit(net, X, Y, optimizer=optim.Adam(lr=0.01), epochs=60, batch_size=32, seed=0)
    assert hist.train_loss[-1] < 0.1 * hist.train_loss[0]
    assert hist.train_acc[-1] > 0.95
    assert np.mean(net.predict(X) == Y) == pytest.approx(hist.train_acc[-1])
    assert len(hist.train_loss) == 61 and hist.epochs_run == 60


def test_history_shapes():
    net = MLP([2, 8, 8, 1], seed=0)
    hist = fit(net, X, Y, epochs=3, batch_size=50, seed=0, snapshot_every=2,
               validation=data.moons(n=40, noise=0.1, seed=1))
    steps = 3 * 4
    assert len(hist.step_loss) == steps
    assert hist.grad_norms.shape == (steps, 3) and np.all(hist.grad_norms > 0)
    assert [s for s, _ in hist.snapshots] == [0, 2, 4, 6, 8, 10, 12]
    assert len(hist.val_loss) == len(hist.val_acc) == 4


def test_the_loop_written_out_equals_fit():
    """fit is the five-line loop plus bookkeeping: full-batch SGD by hand gives the same weights."""
    a, b = MLP([2, 5, 1], seed=3), MLP([2, 5, 1], seed=3)
    fit(a, X, Y, optimizer=optim.SGD(lr=0.5), epochs=5, batch_size=None, seed=0, loss=BinaryCrossEntropy())
    opt, bce = optim.SGD(lr=0.5), BinaryCrossEntropy()
    for _ in range(5):
        out = b.forward(X)
        bce(out, Y)
        b.zero_grad()
        b.backward(bce.backward())
        opt.step(b.parameters(), b.gradients())
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-9)


def test_same_seed_same_run_different_seed_different():
    runs = [fit(MLP([2, 8, 1], seed=0), X, Y, epochs=3, batch_size=20, seed=s).step_loss for s in (0, 0, 1)]
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_divergence_stops_with_a_warning_and_a_finite_history():
    net = MLP([2, 16, 1], hidden="relu", output="identity", seed=0)
    with pytest.warns(DivergenceWarning, match="smaller learning rate"):
        hist = fit(net, X, Y.astype(float) * 100, optimizer=optim.SGD(lr=5.0), epochs=50, batch_size=None, seed=0)
    assert hist.diverged and hist.epochs_run < 50
    assert np.all(np.isfinite(hist.train_loss))


def test_early_stopping_restores_the_best_weights():
    Xn, yn = data.moons(n=60, noise=0.35, seed=2)
    Xv, yv = data.moons(n=200, noise=0.35, seed=3)
    net = MLP([2, 64, 64, 1], seed=0)
    hist = fit(net, Xn, yn, optimizer=optim.Adam(lr=0.03), epochs=300, batch_size=None, seed=0,
               validation=(Xv, yv), early_stopping=20)
    assert "early stopping" in hist.message and hist.epochs_run < 300
    assert hist.epochs_run - hist.best_epoch == 20
    best = min(hist.val_loss)
    assert hist.val_loss[hist.best_epoch] == best
    assert evaluate(net, Xv, yv)[0] == pytest.approx(best)


def test_softmax_and_regression_networks_train():
    Xb, yb = data.blobs(n=150, k=3, noise=0.5, seed=0)
    hist = fit(MLP([2, 16, 3], output="softmax", seed=0), Xb, yb, epochs=30, seed=0)
    assert hist.train_acc[-1] > 0.9
    t = np.sin(X[:, :1])
    hist = fit(MLP([2, 16, 1], hidden="tanh", output="identity", seed=0), X, t, epochs=30, seed=0)
    assert hist.train_loss[-1] < 0.2 * hist.train_loss[0] and hist.train_acc[-1] is None


def test_schedule_is_stepped_once_per_epoch():
    opt = optim.SGD(lr=0.1)
    fit(MLP([2, 4, 1], seed=0), X, Y, optimizer=opt, epochs=3, schedule=schedules.ExponentialLR(opt, gamma=0.5), seed=0)
    assert opt.lr == pytest.approx(0.1 * 0.5**3)


@pytest.mark.parametrize("kwargs, error, pattern", [
    ({"batch_size": 0}, ValueError, r"batch_size must be in \[1, 200\], got 0"),
    ({"batch_size": 500}, ValueError, r"batch_size must be in \[1, 200\], got 500"),
    ({"epochs": -1}, ValueError, "epochs"),
    ({"optimizer": "adamax"}, ValueError, r"adamax.*adam"),
    ({"optimizer": object()}, TypeError, "step"),
    ({"lr": 0.0}, ValueError, "lr"),
    ({"lr": float("nan")}, ValueError, "lr"),
    ({"early_stopping": 5}, ValueError, "needs validation"),
    ({"y": Y[:-1]}, ValueError, "199 labels but X has 200 rows"),
    ({"y": Y + 1}, ValueError, r"labels in 0\.\.1"),
    ({"X": X[:, :1]}, ValueError, "feature column"),
    ({"X": X[:, 0]}, ValueError, "2-D"),
    ({"X": np.where(X > 1.5, np.inf, X)}, ValueError, "NaN or infinite"),
])
def test_bad_arguments_are_explained(kwargs, error, pattern):
    args = {"X": X, "y": Y, **kwargs}
    with pytest.raises(error, match=pattern):
        fit(MLP([2, 4, 1]), args.pop("X"), args.pop("y"), epochs=args.pop("epochs", 1), **args)


def test_no_warning_on_a_healthy_run():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fit(MLP([2, 4, 1]), X, Y, epochs=2, seed=0)


def test_callback_sees_every_epoch_including_the_start():
    seen = []
    fit(MLP([2, 4, 1]), X, Y, epochs=3, seed=0, callback=lambda e, net, h: seen.append((e, len(h.train_loss))))
    assert seen == [(0, 1), (1, 2), (2, 3), (3, 4)]


def test_progress_bar_only_when_asked_or_slow(capsys):
    fit(MLP([2, 4, 1]), X, Y, epochs=3, seed=0, progress=True)
    assert "epochs" in capsys.readouterr().err  # tqdm writes its bar to stderr
    fit(MLP([2, 4, 1]), X, Y, epochs=3, seed=0)  # "auto": a short run stays quiet
    assert capsys.readouterr().err == ""


def test_full_batch_fit_matches_the_plain_loop():
    """At full batch, fit is the plain five-line loop: the same weights and losses, even with a
    callback that runs its own forward pass on other data in between."""
    Xs = X[:40]
    a, b = MLP([2, 6, 1], seed=2), MLP([2, 6, 1], seed=2)
    hist = fit(a, Xs, Y[:40], optimizer=optim.SGD(lr=0.3), epochs=4, batch_size=None, seed=0,
               callback=lambda e, net, h: net.forward(X[100:110]))
    opt, bce = optim.SGD(lr=0.3), BinaryCrossEntropy()
    losses = []
    for _ in range(4):
        bce(b.forward(Xs), Y[:40])
        losses.append(bce(b.z[-1], Y[:40], logits=True))
        b.zero_grad()
        b.backward(bce.backward(), wrt="z")
        opt.step(b.parameters(), b.gradients())
    for p, q in zip(a.parameters(), b.parameters()):
        np.testing.assert_allclose(p, q, rtol=1e-12)
    np.testing.assert_allclose(hist.step_loss, losses, rtol=1e-12)
    np.testing.assert_allclose(hist.train_loss[:4], losses, rtol=1e-12)


def test_fit_trains_through_the_public_forward_and_backward():
    """A network that overrides forward and backward sees every call fit makes: fit is the
    loop of its docstring on the public methods, not a private shortcut."""
    calls = []

    class Watched(MLP):
        def forward(self, X):
            calls.append("forward")
            return super().forward(X)

        def backward(self, grad, wrt="a"):
            calls.append(f"backward wrt={wrt}")
            return super().backward(grad, wrt)

    fit(Watched([2, 4, 1], seed=0), X[:40], Y[:40], optimizer="sgd", epochs=2, batch_size=20, seed=0)
    # targets + evaluation at epoch 0, then per epoch 2 steps and 1 evaluation
    assert calls.count("forward") == 2 + 2 * 3
    assert calls.count("backward wrt=z") == 2 * 2 and len(calls) == 8 + 4   # sigmoid + BCE: fused


@pytest.mark.parametrize("net, loss, expected", [
    (MLP([2, 3, 1], output="sigmoid"), BinaryCrossEntropy(), True),
    (MLP([2, 3, 3], output="softmax"), SoftmaxCrossEntropy(), True),
    (MLP([2, 3, 3], output="softmax"), BinaryCrossEntropy(), False),  # k yes/no outputs, not a softmax's loss
    (MLP([2, 3, 1], output="sigmoid"), MeanSquaredError(), False),
    (MLP([2, 3, 1], output="identity"), MeanSquaredError(), False),
])
def test_uses_logits_only_for_an_output_fused_with_its_cross_entropy(net, loss, expected):
    assert uses_logits(net, loss) is expected


def test_default_batch_size_fits_small_data_sets():
    hist = fit(MLP([2, 4, 1]), X[:10], Y[:10], epochs=2, seed=0)
    assert len(hist.step_loss) == 2  # one full batch of 10 per epoch


def test_a_blow_up_is_reported_once_without_numpy_warnings():
    net = MLP([2, 16, 1], hidden="relu", output="identity", seed=0)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        hist = fit(net, X, Y.astype(float), optimizer=optim.SGD(lr=1e150), epochs=5, batch_size=None, seed=0)
    assert [type(w.message) for w in caught] == [DivergenceWarning]
    assert hist.diverged and np.all(np.isfinite(hist.train_loss))


def test_training_with_dropout_in_two_calls_equals_one_call():
    """fit's checks before the first step run with dropout off, so they draw no masks: two calls
    of one epoch (same optimizer, same shuffling generator) train exactly as one call of two."""
    from nbtools import regularization

    X, y = data.moons(n=40, noise=0.2, seed=1)
    nets = [regularization.dropout_mlp([2, 8, 1], rate=0.5, seed=3) for _ in range(2)]
    opts = [optim.Adam(lr=0.01) for _ in range(2)]
    rngs = [np.random.default_rng(5) for _ in range(2)]
    fit(nets[0], X, y, optimizer=opts[0], epochs=2, batch_size=8, seed=rngs[0], progress=False,
        validation=(X, y))
    for _ in range(2):
        fit(nets[1], X, y, optimizer=opts[1], epochs=1, batch_size=8, seed=rngs[1],
            progress=False, validation=(X, y))
    for a, b in zip(nets[0].get_weights(), nets[1].get_weights()):
        np.testing.assert_array_equal(a, b)
    assert all(layer.training for layer in nets[1].layers if hasattr(layer, "rate"))
