"""Regularization: penalties on the weights, jittered copies of the data, the dropout ensemble.

The chapter's penalties, over the weights W^(l) of every Dense layer (biases are not penalised):

    L2:  penalty = l2 * sum_l ||W^(l)||^2,   gradient 2 * l2 * W
    L1:  penalty = l1 * sum_l |W^(l)|,       gradient l1 * sign(W)   (a subgradient: 0 at W = 0)

``training.fit(..., l2=, l1=)`` adds them with ``add_penalty_gradients``. A plain (sub)gradient
step moves an L1-penalised weight past 0 and back, so it almost never lands on exactly 0; the
proximal step ``soft_threshold`` does: it shrinks every weight towards 0 by a fixed amount and
sets those that would cross 0 to 0.

- ``penalty``, ``add_penalty_gradients``, ``soft_threshold``: the penalties (notebook 09).
- ``jitter(X, y, copies, size)``: data augmentation, copies of the points moved a little, same labels.
- ``dropout_mlp(sizes, rate)``: an MLP with a ``blocks.Dropout`` after every hidden activation.
- ``ensemble_proba(net, X, n_masks)``: the average prediction of many sampled sub-networks.
- ``weight_values``, ``weight_norm``: every weight in one array, and their Euclidean norm.

Example
-------
>>> import numpy as np
>>> from nbtools import nn
>>> net = nn.MLP([2, 3, 1], seed=0)
>>> for dense in net.dense:
...     dense.params["W"][:] = 1.0                    # 6 + 3 weights of 1
>>> penalty(net, l2=0.5), penalty(net, l1=0.1)
(4.5, 0.9)
>>> soft_threshold(np.array([-1.0, 0.05, 0.3]), 0.1)
array([-0.9,  0. ,  0.2])
"""
import numpy as np

from ._checks import as_float_array, as_points, check_choice, check_number, make_rng
from .blocks import Dropout
from .layers import ACTIVATIONS
from .nn import HIDDEN, MLP, Sequential


def _dense_layers(net):
    dense = getattr(net, "dense", None)
    if dense is None:
        raise TypeError(f"net must be an nbtools network (nn.MLP or nn.Sequential), got "
                        f"{type(net).__name__}.")
    return dense


def _strength(value, name):
    return check_number(value, name, low=0, hint="Use 0 for no penalty, or a small value such as 1e-3.")


def weight_values(net):
    """Every weight (no biases) of every Dense layer of ``net``, in one flat array."""
    return np.concatenate([dense.params["W"].ravel() for dense in _dense_layers(net)])


def weight_norm(net):
    """sqrt(sum_l ||W^(l)||^2): the Euclidean length of all the weights together (no biases)."""
    return float(np.sqrt(sum(np.vdot(d.params["W"], d.params["W"]) for d in _dense_layers(net))))


def penalty(net, l1=0.0, l2=0.0):
    """The weight penalty l2 * sum_l ||W^(l)||^2 + l1 * sum_l |W^(l)| of ``net``, a float."""
    l1, l2 = _strength(l1, "l1"), _strength(l2, "l2")
    total = 0.0
    for dense in _dense_layers(net):
        W = dense.params["W"]
        total += l2 * np.vdot(W, W) + l1 * np.abs(W).sum()
    return float(total)


def add_penalty_gradients(net, l1=0.0, l2=0.0):
    """Add the penalty's gradient 2 * l2 * W + l1 * sign(W) to every dL/dW (after ``backward``).

    sign(0) = 0: at W = 0, where |W| has a kink, this takes the subgradient 0.
    """
    l1, l2 = _strength(l1, "l1"), _strength(l2, "l2")
    for dense in _dense_layers(net):
        W = dense.params["W"]
        dense.grads["W"] += 2 * l2 * W + l1 * np.sign(W)


def soft_threshold(W, t):
    """The proximal step of the L1 penalty: sign(W) * max(|W| - t, 0), entry by entry.

    Every entry moves t towards 0, and an entry within t of 0 becomes exactly 0. After a gradient
    step of the data loss with learning rate lr, ``soft_threshold(W, lr * l1)`` is the step of
    proximal gradient descent (ISTA) for L + l1 * |W|.
    """
    W = as_float_array(W, "W")
    t = check_number(t, "t", low=0, hint="t is a shrinkage amount such as lr * l1.")
    return np.sign(W) * np.maximum(np.abs(W) - t, 0.0)


def jitter(X, y, copies=10, size=0.1, seed=0):
    """Data augmentation: the points ``X`` (n, 2) with ``copies`` jittered copies of each, same labels.

    A copy is x + e with e drawn from N(0, size^2) in each coordinate, so the chapter's
    (2, 1) becomes a nearby (2.1, 1.0) or (1.9, 1.2) with the same class. Returns
    (X_aug, y_aug) of n * (copies + 1) rows: the originals first, then copy 1 of every point,
    copy 2, ...
    """
    X, y = as_points(X, y)
    copies = check_number(copies, "copies", low=0, integer=True)
    size = check_number(size, "size", low=0, hint="size is the standard deviation of the jitter, "
                        "in the units of X, e.g. 0.1.")
    rng = make_rng(seed)
    moved = [X + size * rng.normal(size=X.shape) for _ in range(copies)]
    return np.concatenate([X, *moved]), np.tile(y, copies + 1)


def dropout_mlp(sizes, rate=0.5, hidden="relu", output="sigmoid", seed=0):
    """An ``nn.MLP`` of ``sizes`` with a ``Dropout(rate)`` after every hidden activation.

    [Dense, activation, Dropout, Dense, activation, Dropout, ..., Dense] + output. The same
    ``seed`` gives the weights of ``nn.MLP(sizes, hidden, seed=seed)`` and then the masks.
    """
    rate = check_number(rate, "rate", low=0, high=1)
    hidden = check_choice(hidden, "hidden activation", HIDDEN)
    rng = make_rng(seed)
    plain = MLP(sizes, hidden=hidden, output=output, seed=rng)     # the weights, drawn as nn.MLP
    layers = []
    for dense in plain.dense[:-1]:
        layers += [dense, ACTIVATIONS[hidden](), Dropout(rate, seed=rng)]
    return Sequential(layers + [plain.dense[-1]], output=output)


def ensemble_proba(net, X, n_masks=100):
    """P(y = 1) averaged over ``n_masks`` sub-networks: dropout on, a new mask at every pass.

    Each forward pass in training mode drops other units: one sampled sub-network of ``net``. The
    masks come from each Dropout layer's own generator. Leaves ``net`` in eval mode (the mode for
    predicting). Returns an array (n,).
    """
    if not isinstance(net, Sequential):
        raise TypeError(f"net must be an nbtools network such as dropout_mlp([2, 32, 1]), got "
                        f"{type(net).__name__}.")
    n_masks = check_number(n_masks, "n_masks", low=1, integer=True)
    net.train()
    total = sum(net.predict_proba(X) for _ in range(n_masks))
    net.eval()
    return total / n_masks
