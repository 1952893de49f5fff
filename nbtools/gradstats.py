"""Gradient statistics: how big the activations and gradients are, layer by layer.

Backpropagation multiplies the gradient by one factor per layer, W^T and the activation's
derivative sigma'(z). Over many layers such a product shrinks towards 0 (vanishing gradients: the
first layers barely learn) or grows without bound (exploding gradients). This module measures it:

- ``layer_stats(net, X, y)``: one forward and backward pass, and per Dense layer the gradient norms
  ||dL/dW|| and ||delta|| = ||dL/dz||, the activations' mean and spread, the fraction of saturated
  units (sigmoid, tanh) and of dead units (ReLU); ``hidden_layers(stats)`` drops the output layer;
- ``Recorder``: the same numbers during training, as ``fit(..., callback=Recorder(X, y))``;
- ``LABELS``: the statistics' names and how plots label them.

The plots of these numbers are in ``gradplots``, the sliders in ``explore_gradients``.

Example
-------
>>> from nbtools import blocks, data, gradstats
>>> X, y = data.moons(n=256, seed=0)
>>> net = blocks.deep_net(depth=10, width=32, activation="sigmoid", seed=0)
>>> stats = gradstats.layer_stats(net, X, y)
>>> stats["grad_W"].shape             # one norm per Dense layer, 10 hidden + 1 output
(11,)
"""
import numpy as np

from ._checks import as_float_array, check_number
from .layers import Activation, Sigmoid, Tanh
from .nn import Sequential
from .training import loss_for, uses_logits

LABELS = {
    "grad_W": "‖dL/dW‖",
    "grad_b": "‖dL/db‖",
    "delta": "‖δ‖ = ‖dL/dz‖",
    "z_std": "std of z",
    "a_mean": "mean of a",
    "a_std": "std of a",
    "saturated": "fraction saturated",
    "dead": "fraction dead",
}


def _saturated(act):
    """Fraction of the entries of a = act(z) on the flat parts of a sigmoid or tanh; else NaN."""
    if isinstance(act, Tanh):
        return float(np.mean(np.abs(act.a) > 0.99))
    if isinstance(act, Sigmoid):
        return float(np.mean((act.a < 0.01) | (act.a > 0.99)))
    return np.nan


def _dead(act):
    """Fraction of units whose derivative sigma'(z) is 0 on every sample: they get no gradient."""
    if not isinstance(act, Activation):
        return np.nan
    return float(np.mean(np.all(act.df() == 0, axis=0)))


def layer_stats(net, X, y, loss=None):
    """Run one forward and backward pass of (X, y) and measure every layer.

    ``net``: an ``nn.MLP`` or ``nn.Sequential``; X (n, sizes[0]); y the targets ``fit`` takes.
    ``loss``: default, the one that goes with the output (see ``training.default_loss``).

    Returns a dict of arrays of length L (one entry per Dense layer l = 1..L, the output layer last):

    - ``grad_W``, ``grad_b``: ||dL/dW^(l)||, ||dL/db^(l)|| (Frobenius norms, sqrt of sum of squares);
    - ``delta``: ||dL/dz^(l)||, the norm of the (n, n_l) matrix of the layer's deltas;
    - ``z_std``: the standard deviation of the layer's pre-activations z, over samples and units;
    - ``a_mean``, ``a_std``: mean and standard deviation of the activation a = sigma(...) right
      after layer l, over all samples and units;
    - ``saturated``: fraction of those entries with |a| > 0.99 (tanh) or a < 0.01 or a > 0.99
      (sigmoid), where sigma' is nearly 0; NaN for other activations;
    - ``dead``: fraction of units with sigma'(z) = 0 on every sample (a ReLU with z <= 0 on all
      of X), which no gradient can revive; 0 for leaky ReLU, sigmoid and tanh;

    and ``layer`` (1..L), ``loss`` (a number) and ``activations`` (the L activation arrays).
    The network's ``gradients()`` afterwards hold the gradients of this pass. Overflow gives
    infinite or NaN entries instead of warnings: that *is* the measurement.
    """
    if not isinstance(net, Sequential):
        raise TypeError(f"net must be a network such as nn.MLP or nn.Sequential, got {type(net).__name__}.")
    loss = loss_for(net, loss)
    X = as_float_array(X, "X", ndim=2)
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        out = net.forward(X)
        logits = uses_logits(net, loss)
        value, grad = loss.value_and_grad(net.z[-1] if logits else out, loss.targets(y, out), logits)
        net.zero_grad()
        net.backward(grad, wrt="z" if logits else "a")
        acts = [z if act is None else act.a for act, z in zip(net.activations, net.z)]
        stats = {
            "layer": np.arange(1, len(net.dense) + 1),
            "grad_W": np.array([np.linalg.norm(d.grads["W"]) for d in net.dense]),
            "grad_b": np.array([np.linalg.norm(d.grads["b"]) for d in net.dense]),
            "delta": np.array([np.linalg.norm(delta) for delta in net.delta]),
            "z_std": np.array([np.std(z) for z in net.z]),
            "a_mean": np.array([np.mean(a) for a in acts]),
            "a_std": np.array([np.std(a) for a in acts]),
            "saturated": np.array([_saturated(act) for act in net.activations]),
            "dead": np.array([_dead(act) for act in net.activations]),
        }
    stats["loss"], stats["activations"] = float(value), acts
    return stats


def hidden_layers(stats):
    """``stats`` of ``layer_stats`` without the output layer, whose activation (a sigmoid or
    softmax giving the prediction) is not a hidden one: for plots of the hidden layers alone."""
    return {k: (v[:-1] if isinstance(v, (np.ndarray, list)) else v) for k, v in stats.items()}


class Recorder:
    """Measure ``layer_stats(net, X, y)`` during training: ``fit(net, ..., callback=Recorder(X, y))``.

    ``fit`` calls it at epoch 0 (before training) and after every epoch; it measures every
    ``every``-th epoch on the fixed data (X, y), so the numbers of different epochs compare.
    ``epochs`` lists the epochs measured, ``stats`` their dicts, and ``series(key)`` returns one
    statistic as an array (records, L): row r is epoch ``epochs[r]``, column l is layer l + 1.
    (Batch normalization layers update their running averages during this measurement too.)
    """

    def __init__(self, X, y, loss=None, every=1):
        self.X, self.y, self.loss = as_float_array(X, "X", ndim=2), y, loss
        self.every = check_number(every, "every", low=1, integer=True)
        self.epochs, self.stats = [], []

    def __call__(self, epoch, net, history=None):
        if epoch % self.every == 0:
            self.epochs.append(epoch)
            stats = layer_stats(net, self.X, self.y, self.loss)
            stats.pop("activations")  # keep the numbers, not every activation array
            self.stats.append(stats)

    def series(self, key):
        if key not in LABELS and key != "loss":
            raise ValueError(f"key must be one of {sorted(LABELS) + ['loss']}, got {key!r}.")
        if not self.stats:
            raise RuntimeError("Nothing recorded yet: pass the recorder to fit(..., callback=recorder).")
        return np.array([s[key] for s in self.stats])

    def __repr__(self):
        return f"Recorder(every={self.every}, epochs recorded={len(self.epochs)})"
