"""How fast is the nbtools engine? Milliseconds per training epoch, beside PyTorch on the CPU.

Two settings:
  A  the chapter's: MLP 2-4-2-1 (ReLU hidden, sigmoid output), binary cross-entropy, SGD lr 0.2,
     batch 50, 200 two-moons points (4 steps per epoch);
  B  a wider net: 2-64-64-64-1 on 1,000 points, full batch (1 step per epoch).

nbtools is timed twice: ``fit`` (with its bookkeeping: per-step gradient norms, a full evaluation
after every epoch) and the bare five-line loop. PyTorch (optional: install torch==2.13.0) runs the
bare loop with one thread. Prints a table and the ratio torch / nbtools (above 1: nbtools is faster).

Run:  python benchmarks/engine.py [--repeats 5]
"""
import argparse
import os
import statistics
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from nbtools import data, optim  # noqa: E402
from nbtools.losses import BinaryCrossEntropy  # noqa: E402
from nbtools.nn import MLP  # noqa: E402
from nbtools.training import fit  # noqa: E402

SETTINGS = {
    "A": dict(sizes=[2, 4, 2, 1], n=200, batch=50, epochs=200),
    "B": dict(sizes=[2, 64, 64, 64, 1], n=1000, batch=None, epochs=100),
}


def blas_threads():
    try:
        from threadpoolctl import threadpool_info

        return ", ".join(f"{i['internal_api']} {i['num_threads']}" for i in threadpool_info()) or "unknown"
    except ImportError:
        return "OPENBLAS_NUM_THREADS=" + os.environ.get("OPENBLAS_NUM_THREADS", "unset (all cores)")


def nbtools_fit(s, X, y):
    net = MLP(s["sizes"], hidden="relu", output="sigmoid", seed=0)
    t = time.perf_counter()
    fit(net, X, y, optimizer=optim.SGD(lr=0.2), epochs=s["epochs"], batch_size=s["batch"], seed=0, progress=False)
    return (time.perf_counter() - t) / s["epochs"] * 1e3


def nbtools_loop(s, X, y):
    net, opt, bce = MLP(s["sizes"], seed=0), optim.SGD(lr=0.2), BinaryCrossEntropy()
    rng, batch = np.random.default_rng(0), s["batch"] or len(X)
    t = time.perf_counter()
    for _ in range(s["epochs"]):
        order = rng.permutation(len(X))
        for i in range(0, len(X), batch):
            idx = order[i:i + batch]
            net.forward(X[idx])
            bce(net.z[-1], y[idx], logits=True)
            net.zero_grad()
            net.backward(bce.backward(), wrt="z")
            opt.step(net.parameters(), net.gradients())
    return (time.perf_counter() - t) / s["epochs"] * 1e3


def torch_loop(s, X, y):
    import torch

    torch.set_num_threads(1)
    torch.manual_seed(0)
    layers = []
    for n_in, n_out in zip(s["sizes"][:-1], s["sizes"][1:]):
        layers += [torch.nn.Linear(n_in, n_out, dtype=torch.float64), torch.nn.ReLU()]
    net = torch.nn.Sequential(*layers[:-1])
    opt, lossf = torch.optim.SGD(net.parameters(), lr=0.2), torch.nn.BCEWithLogitsLoss()
    Xt, yt = torch.tensor(X), torch.tensor(y, dtype=torch.float64).reshape(-1, 1)
    gen, batch = torch.Generator().manual_seed(0), s["batch"] or len(X)
    t = time.perf_counter()
    for _ in range(s["epochs"]):
        order = torch.randperm(len(X), generator=gen)
        for i in range(0, len(X), batch):
            idx = order[i:i + batch]
            loss = lossf(net(Xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
    return (time.perf_counter() - t) / s["epochs"] * 1e3


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5, help="runs per cell; the median is printed")
    args = parser.parse_args()
    try:
        import torch

        have_torch = f"torch {torch.__version__}, 1 thread"
    except ImportError:
        have_torch = None
    print(f"BLAS threads: {blas_threads()}; PyTorch: {have_torch or 'not installed (pip install torch==2.13.0)'}")
    print(f"{'setting':<34}{'fit ms/ep':>11}{'loop ms/ep':>12}{'torch ms/ep':>13}{'torch/fit':>11}{'torch/loop':>12}")
    for name, s in SETTINGS.items():
        X, y = data.moons(n=s["n"], noise=0.1, seed=0)
        med = lambda f: statistics.median(f(s, X, y) for _ in range(args.repeats))  # noqa: E731
        a, b = med(nbtools_fit), med(nbtools_loop)
        c = med(torch_loop) if have_torch else float("nan")
        label = f"{name} {'-'.join(map(str, s['sizes']))}, n={s['n']}, batch {s['batch'] or 'full'}"
        print(f"{label:<34}{a:>11.3f}{b:>12.3f}{c:>13.3f}{c / a:>10.2f}x{c / b:>11.2f}x")


if __name__ == "__main__":
    main()
