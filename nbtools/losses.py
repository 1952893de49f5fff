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
"""
import numpy as np

from ._checks import as_float_array, as_labels, check_choice


def _as_output(a, name="a"):
    """The network output as a 2-D float array; a 1-D array is one output per sample."""
    a = as_float_array(a, name, ndim=(1, 2), allow_nonfinite=True)
    return a.reshape(-1, 1) if a.ndim == 1 else a


class Loss:
    """Base class: ``__call__(a, y)`` stores what ``backward()`` needs and returns the value."""

    def __call__(self, a, y, logits=False):
        a = _as_output(a, "z" if logits else "a")
        value, self._grad = self.value_and_grad(a, self.targets(y, a), logits)
        return value

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

    def targets(self, y, a):
        y = as_float_array(y, "y", ndim=(1, 2))
        y = y.reshape(-1, 1) if y.ndim == 1 else y
        if y.shape != a.shape:
            raise ValueError(f"y has shape {y.shape} but the output a has shape {a.shape}; they must match.")
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
        self.eps = eps

    def targets(self, y, a):
        arr = np.asarray(y)
        if arr.ndim == 2 and arr.shape[1] > 1:
            labels = as_labels(arr.ravel(), "y", n_classes=2).reshape(arr.shape)
        else:
            labels = as_labels(arr, "y", n_classes=2).reshape(-1, 1)
        if labels.shape != a.shape:
            raise ValueError(
                f"y has {labels.shape[0]} rows of {labels.shape[1]} label(s) but the output has shape "
                f"{a.shape}; binary cross-entropy needs one 0/1 label per output."
            )
        return labels.astype(np.float64)

    def value_and_grad(self, a, y, logits=False):
        n = len(a)
        if logits:
            z = a
            softplus = np.logaddexp(0.0, z)  # log(1 + e^z), never overflows
            value = (softplus.sum() - np.vdot(y, z)) / n
            return value, (np.exp(z - softplus) - y) / n  # sigmoid(z) = e^z / (1 + e^z)
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
        self.eps = eps

    def targets(self, y, a):
        arr = np.asarray(y)
        if arr.ndim == 2 and arr.shape == a.shape:
            t = as_float_array(arr, "y")
            if np.any(t < 0) or not np.allclose(t.sum(axis=1), 1.0):
                raise ValueError("y given as (n, k) must hold probabilities: non-negative rows summing to 1.")
            return t
        labels = as_labels(arr, "y", n=len(a), n_classes=a.shape[1])
        return np.eye(a.shape[1])[labels]

    def value_and_grad(self, a, y, logits=False):
        n = len(a)
        if logits:
            shifted = a - a.max(axis=1, keepdims=True)
            log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
            return -(y * log_p).sum() / n, (np.exp(log_p) - y) / n
        p = np.maximum(a, self.eps)
        return -(y * np.log(p)).sum() / n, -y / p / n


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
