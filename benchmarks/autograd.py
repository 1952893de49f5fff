"""How fast is the Value engine (nbtools.autograd) on the chapter's task, next to micrograd?

The task: NeuralNetwork(2, [4, 2, 1]) (ReLU, ReLU, sigmoid), 200 two-moons points, mini-batches
of 50, binary cross-entropy, SGD with learning rate 0.2: one epoch is 4 batches of forward, zero
gradients, backward, update. Both engines build the same fine-grained graph (one node per scalar
operation), start from the same weights and see the same batches; only the engine differs.

micrograd is an optional, benchmark-only dependency (``pip install micrograd``). Its engine has
no ``sigmoid`` or ``log``, so they are added here in micrograd's own style (a closure per node),
as the chapter does. Epochs of the two engines alternate and the median is reported, so a busy
machine slows both alike.

Run:  python benchmarks/autograd.py [--rounds 7] [--epochs 3]
"""
import argparse
import gc
import math
import platform
import statistics
import time

import numpy as np

from nbtools import autograd_nn

CHAPTER_EPOCHS = 2000


def two_moons(n=200, noise=0.1, seed=0):
    """Two interleaved half circles, n points, labels 0/1 (as in scikit-learn's make_moons)."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.0, np.pi, n)
    top = np.arange(n) < n // 2
    X = np.where(top[:, None],
                 np.c_[np.cos(t), np.sin(t)],
                 np.c_[1.0 - np.cos(t), 0.5 - np.sin(t)])
    X = X + rng.normal(0.0, noise, size=X.shape)
    return X, (~top).astype(float)


def micrograd_model(weights):
    """The chapter's network on micrograd's Value, with the given [(W, b), ...] weights.

    Returns ``(loss, params)``: ``loss(X, ys)`` builds the batch's BCE graph.
    """
    from micrograd.engine import Value

    def sigmoid(a):  # micrograd style: a closure per node
        s = 1.0 / (1.0 + math.exp(-a.data))
        out = Value(s, (a,), "sigmoid")

        def _backward():
            a.grad += s * (1.0 - s) * out.grad
        out._backward = _backward
        return out

    def log(a):
        out = Value(math.log(a.data), (a,), "log")

        def _backward():
            a.grad += out.grad / a.data
        out._backward = _backward
        return out

    layers = [([[Value(w) for w in row] for row in W.tolist()], [Value(b_j) for b_j in b.tolist()])
              for W, b in weights]
    last = len(layers) - 1

    def forward(x):
        for i, (W, b) in enumerate(layers):
            out = []
            for w_row, b_j in zip(W, b):
                z = b_j
                for wi, xi in zip(w_row, x):
                    z = z + wi * xi
                out.append(sigmoid(z) if i == last else z.relu())
            x = out
        return x[0]

    def loss(X, ys, eps=1e-8):
        total = 0.0
        for y, yhat in zip(ys, [forward(x) for x in X]):
            total = total + y * log(yhat + eps) + (1 - y) * log(1 - yhat + eps)
        return -total / len(ys)

    params = [p for W, b in layers for p in [w for row in W for w in row] + b]
    return loss, params


def micrograd_epochs(loss, params, rows, labels, order_rng, n_epochs, lr=0.2, batch_size=50):
    """The same loop as nbtools.autograd_nn.train, on micrograd."""
    n = len(rows)
    for _ in range(n_epochs):
        order = order_rng.permutation(n).tolist()
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            L = loss([rows[i] for i in batch], [labels[i] for i in batch])
            for p in params:
                p.grad = 0.0
            L.backward()
            for p in params:
                p.data -= lr * p.grad
    return L.data


def seconds_per_epoch(run, epochs):
    t0 = time.perf_counter()
    run(epochs)
    return (time.perf_counter() - t0) / epochs


def main(rounds=7, epochs=3):
    X, ys = two_moons()
    model = autograd_nn.NeuralNetwork(2, [4, 2, 1], seed=0)
    print(f"Chapter task: NeuralNetwork(2, [4, 2, 1]), {len(X)} points, batch 50, BCE, SGD 0.2, "
          f"Python {platform.python_version()}")
    print(f"median of {rounds} rounds x {epochs} epochs, engines alternating\n")
    print(f"{'engine':<12}{'ms / epoch':>12}{'2000 epochs':>14}")
    rng_ours = np.random.default_rng(1)

    def ours(k):
        autograd_nn.train(model, X, ys, learning_rate=0.2, n_epochs=k, batch_size=50,
                          seed=rng_ours, verbose=False)

    try:
        mg_loss, mg_params = micrograd_model(model.get_weights())
    except ImportError:
        ms = 1e3 * statistics.median(seconds_per_epoch(ours, epochs) for _ in range(rounds))
        print(f"{'nbtools':<12}{ms:>12.2f}{ms * CHAPTER_EPOCHS / 1e3:>13.1f}s")
        print("micrograd is not installed: pip install micrograd to compare.")
        return

    batch = X[:50], ys[:50]  # same weights, same batch: the two engines must agree
    if abs(model.loss(*batch).data - mg_loss(*(a.tolist() for a in batch)).data) > 1e-9:
        raise RuntimeError("nbtools and micrograd disagree on the loss of the same batch.")
    rng_theirs, rows, labels = np.random.default_rng(1), X.tolist(), ys.tolist()

    def theirs(k):
        micrograd_epochs(mg_loss, mg_params, rows, labels, rng_theirs, k)

    def theirs_without_gc(k):
        gc.disable()
        try:
            theirs(k)
        finally:
            gc.enable()

    times = {"nbtools": [], "micrograd": [], "nbtools, again": [], "micrograd, gc off": []}
    for _ in range(rounds):
        times["nbtools"].append(seconds_per_epoch(ours, epochs))
        times["micrograd"].append(seconds_per_epoch(theirs, epochs))
    for _ in range(rounds):  # for reference: micrograd's time without the garbage collector
        times["nbtools, again"].append(seconds_per_epoch(ours, epochs))
        times["micrograd, gc off"].append(seconds_per_epoch(theirs_without_gc, epochs))
        gc.collect()  # free micrograd's cyclic graphs (outside the timing)
    ms = {name: 1e3 * statistics.median(t) for name, t in times.items()}

    for name in ("nbtools", "micrograd"):
        print(f"{name:<12}{ms[name]:>12.2f}{ms[name] * CHAPTER_EPOCHS / 1e3:>13.1f}s")
    print(f"\nnbtools is {ms['micrograd'] / ms['nbtools']:.1f}x faster per epoch than micrograd.")
    print(f"With its garbage collector switched off, micrograd takes {ms['micrograd, gc off']:.2f} "
          f"ms / epoch, {ms['micrograd, gc off'] / ms['nbtools, again']:.1f}x the "
          f"{ms['nbtools, again']:.2f} ms of nbtools measured alongside.")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--epochs", type=int, default=3, help="epochs per engine per round")
    args = parser.parse_args()
    main(args.rounds, args.epochs)
