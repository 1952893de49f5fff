"""How fast is the nbtools engine? Milliseconds per training epoch, beside PyTorch on the CPU.

Two settings:
  A  the chapter's: MLP 2-4-2-1 (ReLU hidden, sigmoid output), binary cross-entropy, SGD lr 0.2,
     batch 50, 200 two-moons points (4 steps per epoch);
  B  a wider net: 2-64-64-64-1 on 1,000 points, full batch (1 step per epoch).

nbtools is timed twice: ``fit`` (with its bookkeeping: per-step loss and gradient norms, a full
evaluation of the training set after every epoch) and the bare five-line loop a notebook writes
out. PyTorch (optional: install torch==2.13.0) runs its own five-line loop with one thread.

A shared machine speeds up and slows down by tens of percent within seconds, which would make a
ratio of two timings taken a minute apart meaningless. So the three are timed in turns: each round
times fit, the loop and PyTorch once, one after another, and the ratio torch / nbtools is taken
within each round. The table prints the median over the rounds of each time and of each ratio
(above 1: nbtools is faster).

Targets: A at least 4x faster than PyTorch; B within 1.25x (ratio at least 0.8).

Run:  python benchmarks/engine.py [--rounds 15] [--blas-threads N]
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

# epochs per timing: about 0.05-0.1 s each, so that one round sees one state of the machine
SETTINGS = {
    "A": dict(sizes=[2, 4, 2, 1], n=200, batch=50, epochs=200, target=4.0),
    "B": dict(sizes=[2, 64, 64, 64, 1], n=1000, batch=None, epochs=30, target=0.8),
}


def blas_threads():
    """What the BLAS under numpy runs with, e.g. 'openblas 2 threads'."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return "OPENBLAS_NUM_THREADS=" + os.environ.get("OPENBLAS_NUM_THREADS", "unset (all cores)") + \
            " (pip install threadpoolctl to see more)"
    pools = [p for p in threadpool_info() if p["user_api"] == "blas"]
    return ", ".join(f"{p['internal_api']} {p['num_threads']} threads" for p in pools) or "unknown"


def nbtools_fit(s, X, y):
    net = MLP(s["sizes"], hidden="relu", output="sigmoid", seed=0)
    t = time.perf_counter()
    fit(net, X, y, optimizer=optim.SGD(lr=0.2), epochs=s["epochs"], batch_size=s["batch"], seed=0,
        progress=False)
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


def measure(s, rounds, have_torch):
    """Time fit, the loop and torch in turns; return the medians (ms) and the per-round ratios."""
    X, y = data.moons(n=s["n"], noise=0.1, seed=0)
    runners = [nbtools_fit, nbtools_loop] + ([torch_loop] if have_torch else [])
    for run in runners:  # one warm-up each: first calls pay for imports and caches
        run(dict(s, epochs=2), X, y)
    times = {run.__name__: [] for run in runners}
    for _ in range(rounds):
        for run in runners:
            times[run.__name__].append(run(s, X, y))
    med = {name: statistics.median(values) for name, values in times.items()}
    ratios = {}
    if have_torch:
        for name in ("nbtools_fit", "nbtools_loop"):
            per_round = [t / f for t, f in zip(times["torch_loop"], times[name])]
            ratios[name] = (statistics.median(per_round), min(per_round), max(per_round))
    return med, ratios


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15, help="rounds of fit, loop and torch timed in turn")
    parser.add_argument("--blas-threads", type=int, default=None,
                        help="limit numpy's BLAS to this many threads (needs threadpoolctl)")
    args = parser.parse_args()
    try:
        import torch

        have_torch = f"torch {torch.__version__}, 1 thread"
    except ImportError:
        have_torch = None
    if args.blas_threads is not None:
        try:
            from threadpoolctl import threadpool_limits
        except ImportError:
            parser.error("--blas-threads needs threadpoolctl: pip install threadpoolctl")
        threadpool_limits(limits=args.blas_threads, user_api="blas")
    print(f"BLAS: {blas_threads()}; PyTorch: {have_torch or 'not installed (pip install torch==2.13.0)'}")
    print(f"{args.rounds} rounds; times are medians in ms per epoch; ratios are torch / nbtools, the "
          f"median of the rounds' ratios (lowest-highest)")
    print(f"{'setting':<36}{'fit':>8}{'loop':>8}{'torch':>8}   {'torch/fit':<22}{'torch/loop':<22}target")
    for name, s in SETTINGS.items():
        med, ratios = measure(s, args.rounds, have_torch)
        label = f"{name} {'-'.join(map(str, s['sizes']))}, n={s['n']}, batch {s['batch'] or 'full'}"
        cells = [f"{r[0]:.2f}x ({r[1]:.2f}-{r[2]:.2f})" for r in ratios.values()] or ["n/a", "n/a"]
        verdict = ""
        if ratios:
            verdict = "met" if ratios["nbtools_fit"][0] >= s["target"] else "NOT met"
        torch_ms = f"{med['torch_loop']:.3f}" if have_torch else "n/a"
        print(f"{label:<36}{med['nbtools_fit']:>8.3f}{med['nbtools_loop']:>8.3f}{torch_ms:>8}   "
              f"{cells[0]:<22}{cells[1]:<22}{s['target']:g}x: {verdict}")


if __name__ == "__main__":
    main()
