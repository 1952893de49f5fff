"""Losses: one number that says how wrong the network's outputs are, and its gradient.

Each loss is used in two steps, like a layer::

    value = loss(a, y)        # a: what the network returned, shape (n, k); y: the targets
    grad = loss.backward()    # dL/da, the same shape as a: feed it to net.backward(grad)

All losses are *means over the n samples*, so the size of the gradient does not depend on the
batch size. Cross-entropy on probabilities a is fragile: once a sigmoid saturates to exactly 1.0,
log(1 - a) is -inf. So both cross-entropies also accept the output layer's pre-activations
(``logits=True``): then the loss is computed from z without ever forming log(0), and ``backward``
returns dL/dz, which has the famously simple form (a - y) / n; pass it on with
``net.backward(grad, wrt="z")``.

Calling a loss checks its inputs: probabilities outside [0, 1] raise (they are usually logits
passed without ``logits=True``), and so do empty arrays and targets of the wrong shape or kind.
``value_and_grad`` skips those checks; ``training.fit`` checks its data once and then calls it.
"""
import math

import numpy as np

from ._checks import as_float_array, as_labels, check_choice, check_number


class Loss:
    """Base class: ``__call__(a, y)`` stores what ``backward()`` needs and returns the value."""

    def __call__(self, a, y, logits=False):
        if not isinstance(logits, (bool, np.bool_)):
            raise TypeError(f"logits must be True or False, got {logits!r}.")
        a = self.outputs(a, "z" if logits else "a", logits)
        value, self._grad = self.value_and_grad(a, self.targets(y, a), logits)
        return value

    def outputs(self, a, name, logits):
        """The network output as a 2-D float array; a 1-D array is one output per sample."""
        a = as_float_array(a, name, ndim=(1, 2), allow_nonfinite=True)
        if a.size == 0:
            raise ValueError(f"{name} is empty (shape {a.shape}); a loss needs at least one sample "
                             f"with at least one output.")
        return a.reshape(-1, 1) if a.ndim == 1 else a

    def backward(self):
        if getattr(self, "_grad", None) is None:
            raise RuntimeError("Call the loss on (a, y) before backward().")
        return self._grad

    def __repr__(self):
        return f"{type(self).__name__}()"


class MeanSquaredError(Loss):
    """L = (1/n) sum_i sum_k 1/2 (a_ik - y_ik)^2, the chapter's 1/2 (a - y)^2 per output.

    The 1/2 cancels the 2 of the derivative: dL/da = (a - y) / n. Squaring makes big errors
    count more than small ones and gives a gradient that shrinks smoothly near the target.
    y: shape (n, k) like a, or (n,) when k = 1. No ``logits`` form: pair it with an identity output.
    """

    def targets(self, y, a, name="y"):
        y = as_float_array(y, name, ndim=(1, 2))
        y = y.reshape(-1, 1) if y.ndim == 1 else y
        if y.shape != a.shape:
            raise ValueError(f"{name} has shape {y.shape} but the output a has shape {a.shape}; they must match.")
        return y

    def value_and_grad(self, a, y, logits=False):
        if logits:
            raise ValueError("MeanSquaredError has no logits form; call it on the outputs a.")
        diff = a - y
        n = len(a)
        return 0.5 * (diff**2).sum() / n, diff / n


class BinaryCrossEntropy(Loss):
    """L = -(1/n) sum_i [y_i log a_i + (1 - y_i) log(1 - a_i)], y_i in {0, 1}, a_i = P(y_i = 1).

    On probabilities: dL/da = (a - y) / (a (1 - a)) / n, with a clipped to [eps, 1 - eps].
    On logits z (a = sigmoid(z)): L = (1/n) sum_i [log(1 + e^z_i) - y_i z_i], computed with
    logaddexp so it never overflows, and dL/dz = (sigmoid(z) - y) / n.
    y: shape (n,) or (n, 1) for one output; (n, k) for k independent yes/no outputs.
    """

    def __init__(self, eps=1e-12):
        self.eps = check_number(eps, "eps", low=0.0, high=0.5)

    def outputs(self, a, name, logits):
        a = super().outputs(a, name, logits)
        if not logits:
            _check_probabilities(a, "binary cross-entropy")
        return a

    def targets(self, y, a, name="y"):
        arr = np.asarray(y)
        if arr.ndim == 2 and arr.shape[1] > 1:
            labels = as_labels(arr.ravel(), name, n_classes=2).reshape(arr.shape)
        else:
            labels = as_labels(arr, name, n_classes=2).reshape(-1, 1)
        if labels.shape != a.shape:
            raise ValueError(
                f"{name} has {labels.shape[0]} rows of {labels.shape[1]} label(s) but the output has shape "
                f"{a.shape}; binary cross-entropy needs one 0/1 label per output."
            )
        return labels.astype(np.float64)

    def value_and_grad(self, a, y, logits=False):
        n = len(a)
        if logits:
            z = a
            softplus = np.logaddexp(0.0, z)  # log(1 + e^z), never overflows
            total, yz = softplus.sum(), np.vdot(y, z)
            if math.isfinite(total) and math.isfinite(yz):
                return (total - yz) / n, (np.exp(z - softplus) - y) / n  # sigmoid(z) = e^z / (1 + e^z)
            # a z of +-inf: y z is 0 * inf = NaN for y = 0. For y in {0, 1}, log(1 + e^z) - y z
            # = log(1 + e^{(1 - 2y) z}), with no product to go wrong; sigmoid(z) = e^{-log(1 + e^-z)}
            value = np.logaddexp(0.0, (1.0 - 2.0 * y) * z).sum() / n
            return value, (np.exp(-np.logaddexp(0.0, -z)) - y) / n
        p = np.clip(a, self.eps, 1.0 - self.eps)
        value = -(y * np.log(p) + (1.0 - y) * np.log(1.0 - p)).sum() / n
        return value, (p - y) / (p * (1.0 - p)) / n


class SoftmaxCrossEntropy(Loss):
    """L = -(1/n) sum_i log a_{i, y_i}, a = softmax(z) the predicted class probabilities.

    On probabilities: dL/da_ik = -[k = y_i] / a_ik / n (a clipped below at eps).
    On logits: log a = z - logsumexp(z) (stable: subtract the row maximum first), and
    dL/dz = (softmax(z) - onehot(y)) / n.
    y: integer labels of shape (n,) in 0..k-1, or target probabilities of shape (n, k).
    """

    def __init__(self, eps=1e-12):
        self.eps = check_number(eps, "eps", low=0.0, high=0.5)

    def outputs(self, a, name, logits):
        a = as_float_array(a, name, ndim=(1, 2), allow_nonfinite=True)
        if a.ndim == 1 or a.size == 0 or a.shape[1] < 2:  # 1-D: one sample or one class each? ambiguous
            raise ValueError(f"{name} must have shape (n, k): n >= 1 samples, one column for each "
                             f"of k >= 2 classes; got shape {a.shape}. For one sample, use "
                             f"{name}.reshape(1, -1).")
        if not logits:
            _check_probabilities(a, "cross-entropy")
        return a

    def targets(self, y, a, name="y"):
        arr = np.asarray(y)
        if arr.ndim == 2 and arr.shape == a.shape:
            t = as_float_array(arr, name)
            if np.any(t < 0) or not np.allclose(t.sum(axis=1), 1.0):
                raise ValueError(f"{name} given as (n, k) must hold probabilities: non-negative rows summing to 1.")
            return t
        labels = as_labels(arr, name, n=len(a), n_classes=a.shape[1], X_name="a")
        return np.eye(a.shape[1])[labels]

    def value_and_grad(self, a, y, logits=False):
        n = len(a)
        if logits:
            shifted = a - a.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            # a masked logit of -inf has log p = -inf; where its target is 0 it adds 0, not 0 * -inf
            value = -(y * np.where(y > 0, log_p, 0.0)).sum() / n
            return value, (np.exp(log_p) - y) / n
        p = np.maximum(a, self.eps)
        return -(y * np.log(p)).sum() / n, -y / p / n


def _check_probabilities(a, loss):
    """Cross-entropy on probabilities needs 0 <= a <= 1 (exactly 0 or 1 is fine: the log is clipped)."""
    low, high = a.min(), a.max()
    if low < 0.0 or high > 1.0:
        raise ValueError(
            f"{loss} on probabilities needs every a in [0, 1], got values from {low:.3g} to "
            f"{high:.3g}. Did you mean logits=True? Pass the output layer's pre-activations z "
            f"as loss(z, y, logits=True), or the output of a sigmoid or softmax."
        )


LOSSES = {
    "mse": MeanSquaredError,
    "bce": BinaryCrossEntropy,
    "binary_cross_entropy": BinaryCrossEntropy,
    "cross_entropy": SoftmaxCrossEntropy,
    "softmax_cross_entropy": SoftmaxCrossEntropy,
}


def get_loss(loss):
    """A loss object from a name in ``LOSSES`` (or pass a loss object through unchanged)."""
    if isinstance(loss, Loss):
        return loss
    return LOSSES[check_choice(loss, "loss", LOSSES)]()
