"""Training: the loop that turns data, a network, a loss and an optimizer into a trained network.

Notebook 00 writes the loop out by hand; ``fit`` is the same loop with the bookkeeping the plots
need. Each step on a mini-batch (X_b, y_b) is

    a = net.forward(X_b)          # forward
    L = loss(a, y_b)              # loss
    net.zero_grad()               # zero gradients
    net.backward(loss.backward()) # backward
    optimizer.step(net.parameters(), net.gradients())   # step

With a sigmoid or softmax output and the matching cross-entropy, ``fit`` takes the stable form
of the same step (``uses_logits``): the loss of the logits z^(L) = ``net.z[-1]``, whose gradient
dL/dz^(L) goes in with ``net.backward(grad, wrt="z")``.

``fit(..., l2=..., l1=...)`` adds a penalty on the weights to the loss (notebook 09): after the
backward pass, ``regularization.add_penalty_gradients`` adds its gradient to every dL/dW, before
the step. Dropout layers are switched off while the per-epoch losses are measured.

``fit`` returns a ``History``: loss and accuracy per epoch (train and validation), the loss and
per-layer gradient norms of every step, and parameter snapshots when asked. Training that diverges
(a non-finite loss, or one that explodes far above where it started) stops with a warning and is
recorded in ``history.diverged``, so a plot of the history still draws.
"""
import contextlib
import math
import time
import warnings
from dataclasses import dataclass, field

import numpy as np

from ._checks import as_float_array, as_labels, check_number, make_rng
from .losses import BinaryCrossEntropy, MeanSquaredError, SoftmaxCrossEntropy, get_loss
from .blocks import BatchNorm, Dropout
from .nn import walk
from .regularization import add_penalty_gradients, penalty
from .optim import get_optimizer


class DivergenceWarning(RuntimeWarning):
    """Training stopped because the loss became non-finite or exploded."""


@dataclass
class History:
    """What happened during ``fit``. Index e of the per-epoch lists is *after* e epochs (0 = start).

    train_loss, train_acc, val_loss, val_acc : per-epoch lists (accuracy is None for regression).
        The losses are the data loss L alone, without a penalty, so runs with different penalties
        compare on the same scale.
    penalty : per-epoch list of the weight penalty l2 * sum ||W||^2 + l1 * sum |W| (0 without one):
        the loss that training minimised is ``train_loss[e] + penalty[e]``.
    step_loss : the mini-batch loss of every step.
    grad_norms : array (steps, layers): ||dL/dW^(l)|| at every step, one column per Dense layer.
    snapshots : list of (step, weights) every ``snapshot_every`` steps, step 0 included.
    diverged : True if training was stopped by divergence; ``message`` says why and when.
    best_epoch : the epoch whose weights were kept by early stopping (else the last one).
    """

    train_loss: list = field(default_factory=list)
    train_acc: list = field(default_factory=list)
    val_loss: list = field(default_factory=list)
    val_acc: list = field(default_factory=list)
    penalty: list = field(default_factory=list)
    step_loss: list = field(default_factory=list)
    grad_norms: np.ndarray = None
    snapshots: list = field(default_factory=list)
    diverged: bool = False
    message: str = ""
    best_epoch: int = 0
    epochs_run: int = 0

    def __repr__(self):
        last = f"{self.train_loss[-1]:.3g}" if self.train_loss else "n/a"
        state = f", diverged: {self.message}" if self.diverged else ""
        return f"History(epochs_run={self.epochs_run}, final train_loss={last}{state})"


def default_loss(net):
    """The loss that goes with the output activation: BCE, softmax cross-entropy or MSE."""
    return {"sigmoid": BinaryCrossEntropy, "softmax": SoftmaxCrossEntropy}.get(net.output, MeanSquaredError)()


def loss_for(net, loss=None):
    """The loss object for ``net``: ``default_loss(net)`` when ``loss`` is None, else ``get_loss(loss)``,
    checked to fit the output: the cross-entropies need probabilities, which an identity output
    does not give (the loss would clip them silently)."""
    if loss is None:
        return default_loss(net)
    loss = get_loss(loss)
    wanted = {BinaryCrossEntropy: ("sigmoid", "softmax"), SoftmaxCrossEntropy: ("softmax",)}
    outputs = next((out for cls, out in wanted.items() if isinstance(loss, cls)), (net.output,))
    if net.output not in outputs:
        raise ValueError(f"{loss!r} needs a network with a {' or '.join(outputs)} output, but this "
                         f"one has output={net.output!r}. Build it with output={outputs[0]!r}, "
                         f"or use loss='mse' for regression.")
    return loss


def uses_logits(net, loss):
    """True when ``loss`` is computed from the logits z^(L) of ``net``: the stable, fused form of a
    sigmoid or softmax output with its cross-entropy (``loss(net.z[-1], y, logits=True)``)."""
    return (net.output == "sigmoid" and isinstance(loss, BinaryCrossEntropy)) or (
        net.output == "softmax" and isinstance(loss, SoftmaxCrossEntropy)
    )


def evaluate(net, X, y, loss=None):
    """(loss, accuracy) of ``net`` on (X, y); accuracy is None for a regression network."""
    loss = loss_for(net, loss)
    out = net.forward(X)
    return _score(net, out, loss.targets(y, out), loss)


def _score(net, out, T, loss):
    """(loss, accuracy) from the outputs of the last forward pass and targets T in the loss's format."""
    logits = uses_logits(net, loss)
    value = float(loss.value_and_grad(net.z[-1] if logits else out, T, logits)[0])
    if net.output == "softmax":
        return value, np.count_nonzero(out.argmax(axis=1) == T.argmax(axis=1)) / len(out)
    if net.output == "sigmoid" and out.shape[1] == 1:
        return value, np.count_nonzero((out >= 0.5) == (T == 1)) / len(out)
    return value, None


@np.errstate(over="ignore", invalid="ignore", divide="ignore")  # divergence is reported once, below
def fit(net, X, y, loss=None, optimizer="adam", lr=0.01, epochs=100, batch_size="auto", seed=0,
        validation=None, early_stopping=None, snapshot_every=None, schedule=None,
        explode_factor=1e4, progress="auto", callback=None, l2=0.0, l1=0.0):
    """Train ``net`` on (X, y) with mini-batch gradient descent; return a ``History``.

    loss : a loss object or name; default: the one matching ``net.output`` (see ``default_loss``).
    optimizer : an object with ``step(params, grads)`` (``nbtools.optim``) or a name such as
        ``"sgd"`` or ``"adam"``, built with learning rate ``lr``.
    batch_size : samples per step, 1..n; ``None`` means the whole training set (full batch);
        ``"auto"`` means 32, or n when there are fewer points.
    seed : int or Generator for the shuffling of every epoch (same seed, same run).
    validation : optional (X_val, y_val), evaluated after every epoch.
    early_stopping : patience in epochs: stop when the validation loss has not improved for that
        many epochs and restore the weights of the best epoch. Needs ``validation``.
    snapshot_every : keep a copy of the weights every that many steps (for scrubbing through training).
    schedule : optional learning-rate schedule with a ``step()`` method, called once per epoch.
    explode_factor : stop as diverged when a loss exceeds this many times the starting loss.
        Inside ``fit`` numpy's overflow warnings are silenced: a diverging run is reported once,
        by a ``DivergenceWarning`` and ``history.diverged``, not by a wall of numpy warnings.
    progress : ``"auto"`` shows a progress bar once training has taken more than 2 s; True, False.
    callback : optional function ``callback(epoch, net, history)`` called after every epoch
        (and once with epoch 0 before training), e.g. to record per-layer statistics.
    l2, l1 : strengths of the weight penalties (>= 0; default none). Training minimises
        L + l2 * sum_l ||W^(l)||^2 + l1 * sum_l |W^(l)|, the chapter's formulas, over the weights W
        of every Dense layer; biases are not penalised. The gradient added to dL/dW is
        2 * l2 * W + l1 * sign(W). So with plain SGD, l2 does to the weights what
        ``optim.SGD(weight_decay=2 * l2)`` does (which decays the biases too). The history's losses
        stay the data loss L; ``history.penalty`` holds the penalty.
    """
    X = as_float_array(X, "X", ndim=2)
    n = len(X)
    if n == 0:
        raise ValueError(f"X has no rows (shape {X.shape}); fit needs at least one sample.")
    y = _check_targets(net, y, n)
    loss = loss_for(net, loss)
    if isinstance(optimizer, str):
        optimizer = get_optimizer(optimizer, lr=lr)
    elif not callable(getattr(optimizer, "step", None)):
        raise TypeError(f"optimizer must be a name like 'adam' or an object with step(params, grads); "
                        f"got {optimizer!r}.")
    epochs = check_number(epochs, "epochs", low=0, integer=True)
    if batch_size is None or batch_size == "auto":
        batch_size = n if batch_size is None else min(32, n)
    batch_size = check_number(batch_size, "batch_size", low=1, high=n, integer=True)
    _check_batchnorm_batches(net, n, batch_size)
    if early_stopping is not None:
        early_stopping = check_number(early_stopping, "early_stopping", low=1, integer=True)
        if validation is None:
            raise ValueError("early_stopping needs validation=(X_val, y_val) to watch the validation loss.")
    if snapshot_every is not None:
        snapshot_every = check_number(snapshot_every, "snapshot_every", low=1, integer=True)
    _check_schedule(schedule, optimizer)
    l2 = check_number(l2, "l2", low=0, hint="Use 0 for no penalty, or a small value such as 1e-3.")
    l1 = check_number(l1, "l1", low=0, hint="Use 0 for no penalty, or a small value such as 1e-3.")
    if explode_factor != math.inf:  # inf: never stop for an explosion
        explode_factor = check_number(explode_factor, "explode_factor", low=1, low_open=True)
    if callback is not None and not callable(callback):
        raise TypeError(f"callback must be a function callback(epoch, net, history), got {callback!r}.")
    # the targets in the loss's own format, e.g. one-hot rows for softmax (this also checks X's
    # width); with dropout off, so that checking draws no masks: training in one call or in
    # several calls then draws the same masks
    with dropout_off(net):
        T = loss.targets(y, net.forward(X))
        if validation is not None:
            validation = _check_validation(net, loss, validation)
    rng, logits = make_rng(seed), uses_logits(net, loss)
    hist = History()
    norms = []
    _record_epoch(hist, net, X, T, loss, validation, l1, l2)
    limit = explode_factor * max(hist.train_loss[0], 1e-12)  # a loss above this has exploded
    best = (hist.val_loss[0], 0, net.get_weights()) if early_stopping else None  # (loss, epoch, weights)
    if snapshot_every:
        hist.snapshots.append((0, net.get_weights()))
    bar, t0, step = None, time.perf_counter(), 0
    if callback is not None:
        callback(0, net, hist)

    params, grads = net.parameters(), net.gradients()  # the same arrays all along, updated in place
    weight_grads = [layer.grads["W"] for layer in net.dense]  # for the per-layer gradient norms
    for epoch in range(1, epochs + 1):
        for X_b, T_b in _batches(X, T, batch_size, rng):
            out = net.forward(X_b)                                                   # forward
            value, grad = loss.value_and_grad(net.z[-1] if logits else out, T_b, logits)  # loss
            net.zero_grad()                                                          # zero gradients
            net.backward(grad, wrt="z" if logits else "a")                           # backward
            if l1 or l2:
                add_penalty_gradients(net, l1=l1, l2=l2)                             # + penalty
            optimizer.step(params, grads)                                            # step
            step += 1
            value = float(value)
            hist.step_loss.append(value)
            norms.append([math.sqrt(np.vdot(g, g)) for g in weight_grads])
            if snapshot_every and step % snapshot_every == 0:
                hist.snapshots.append((step, net.get_weights()))
            if _diverged(hist, value, limit, epoch, step):
                break
        if hist.diverged:
            break
        if schedule is not None:
            schedule.step()
        _record_epoch(hist, net, X, T, loss, validation, l1, l2)
        if _diverged(hist, hist.train_loss[-1], limit, epoch):
            break
        hist.epochs_run = epoch
        if callback is not None:
            callback(epoch, net, hist)
        if early_stopping and hist.val_loss[-1] < best[0]:  # copy weights only when they may be restored
            best = (hist.val_loss[-1], epoch, net.get_weights())
        bar = _progress(bar, progress, t0, epoch, epochs)
        if early_stopping and epoch - best[1] >= early_stopping:
            hist.message = f"early stopping at epoch {epoch}: no better validation loss since epoch {best[1]}"
            break

    if bar is not None:
        bar.close()
    hist.grad_norms = np.array(norms).reshape(len(norms), len(net.dense))
    hist.best_epoch = hist.epochs_run
    if early_stopping:
        net.set_weights(best[2])
        hist.best_epoch = best[1]
    if hist.diverged:
        warnings.warn(f"Training diverged: {hist.message}.", DivergenceWarning, stacklevel=2)
    return hist


def _batches(X, T, batch_size, rng):
    """The mini-batches (X_b, T_b) of one epoch: consecutive slices of a fresh shuffle of the data,
    or the whole set in order when ``batch_size`` is all of it (full batch, no shuffle)."""
    n = len(X)
    if batch_size == n:
        yield X, T
        return
    order = rng.permutation(n)
    X, T = X[order], T[order]
    for i in range(0, n, batch_size):
        yield X[i:i + batch_size], T[i:i + batch_size]


def _diverged(hist, value, limit, epoch, step=None):
    """Mark the history as diverged if ``value`` is not finite or above ``limit``.

    ``step`` is the step whose mini-batch loss this is, or None for the evaluation after ``epoch``.
    An epoch whose evaluation overflowed is dropped from the per-epoch lists, so they hold only
    finite numbers (the message says what happened); ``step_loss`` ends with the step that blew up.
    """
    if math.isfinite(value) and value <= limit:
        return False
    when = f"after epoch {epoch}" if step is None else f"at epoch {epoch}, step {step}"
    hist.diverged = True
    hist.message = (f"loss became {value:.3g} {when} (it started at {hist.train_loss[0]:.3g}); "
                    f"try a smaller learning rate")
    if step is None and not math.isfinite(value):
        for values in (hist.train_loss, hist.train_acc, hist.val_loss, hist.val_acc, hist.penalty):
            if values:
                values.pop()
    return True


def _check_targets(net, y, n, y_name="y", X_name="X"):
    if net.output in ("sigmoid", "softmax") and np.asarray(y).ndim == 1:
        classes = 2 if net.output == "sigmoid" else net.sizes[-1]
        return as_labels(y, y_name, n=n, n_classes=classes, X_name=X_name)
    y = as_float_array(y, y_name, ndim=(1, 2))
    if len(y) != n:
        raise ValueError(f"{y_name} has {len(y)} rows but {X_name} has {n}; they must match, one "
                         f"target per row.")
    return y


def _check_validation(net, loss, validation):
    """(X_val, T_val), the validation data checked like X and y, with the targets in the loss's format."""
    if not isinstance(validation, (tuple, list)) or len(validation) != 2:
        raise TypeError(f"validation must be a pair (X_val, y_val), got {type(validation).__name__}"
                        f"{f' of length {len(validation)}' if isinstance(validation, (tuple, list)) else ''}.")
    X_val = as_float_array(validation[0], "X_val", ndim=2)
    if len(X_val) == 0 or X_val.shape[1] != net.sizes[0]:
        raise ValueError(f"X_val must have shape (n, {net.sizes[0]}) with n >= 1, like X; got {X_val.shape}.")
    y_val = _check_targets(net, validation[1], len(X_val), "y_val", "X_val")
    return X_val, loss.targets(y_val, net.forward(X_val), "y_val")


def _check_schedule(schedule, optimizer):
    if schedule is None:
        return
    if not callable(getattr(schedule, "step", None)):
        raise TypeError(f"schedule must be a learning-rate schedule with a step() method, such as "
                        f"schedules.StepLR(opt, step_size=10), got {schedule!r}.")
    if getattr(schedule, "optimizer", optimizer) is not optimizer:
        raise ValueError("schedule changes the lr of a different optimizer than the one fit uses; "
                         "make the optimizer first and pass it to both: opt = optim.SGD(lr=0.1), "
                         "fit(..., optimizer=opt, schedule=schedules.StepLR(opt, step_size=10)).")


def _check_batchnorm_batches(net, n, batch_size):
    """BatchNorm in training mode needs two samples per batch: no batch may hold just one."""
    last = n % batch_size or batch_size  # the size of the last batch
    if min(batch_size, last) >= 2:
        return
    layers = walk(net.layers)
    if not any(isinstance(layer, BatchNorm) and layer.training for layer in layers):
        return
    if n == 1:
        raise ValueError("a network with BatchNorm in training mode needs at least 2 samples to train on, "
                         "got 1.")
    good = next(b for b in range(max(batch_size, 2), n + 1) if n % b != 1)
    raise ValueError(f"with {n} samples and batch_size={batch_size} a batch holds a single "
                     f"sample, and BatchNorm in training mode needs at least 2 to estimate a "
                     f"variance. Choose a batch_size of 2 or more that leaves 0 or at least 2 "
                     f"for the last batch, e.g. batch_size={good}.")


@contextlib.contextmanager
def dropout_off(net):
    """Inside ``with dropout_off(net):`` every Dropout layer of ``net`` is in evaluation mode
    (every unit used, no mask drawn); afterwards each is back in the mode it had."""
    dropouts = [layer for layer in walk(net.layers) if isinstance(layer, Dropout) and layer.training]
    for layer in dropouts:
        layer.eval()
    try:
        yield net
    finally:
        for layer in dropouts:
            layer.train()


def _record_epoch(hist, net, X, T, loss, validation, l1=0.0, l2=0.0):
    """Append the losses and accuracies after an epoch, measured with dropout off (every unit
    used, as when the network predicts), and the weight penalty."""
    with dropout_off(net):
        _record_scores(hist, net, X, T, loss, validation, l1, l2)


def _record_scores(hist, net, X, T, loss, validation, l1, l2):
    if validation:
        X_val, T_val = validation
        value, acc = _score(net, net.forward(X_val), T_val, loss)
        hist.val_loss.append(value)
        hist.val_acc.append(acc)
    value, acc = _score(net, net.forward(X), T, loss)  # last, so net.a holds the training set's pass
    hist.train_loss.append(value)
    hist.train_acc.append(acc)
    hist.penalty.append(penalty(net, l1=l1, l2=l2))


def _progress(bar, progress, t0, epoch, epochs):
    """Create the progress bar lazily, once training has run longer than 2 s (or at once if True)."""
    if bar is None and (progress is True or (progress == "auto" and time.perf_counter() - t0 > 2.0)):
        from tqdm.auto import tqdm

        bar = tqdm(total=epochs, initial=epoch - 1, desc="epochs", leave=False)
    if bar is not None:
        bar.update(1)
    return bar
