"""The graded assignments in notebooks/assignments, put through nbgrader as an instructor would.

One temporary copy of the course is made per test session. Each assignment, when a test first asks
for it, is generated into its student version, and a set of submissions is autograded in one
nbgrader run:

- ``solution``: the instructor's source notebook (must get every autograded point);
- ``untouched``: the student version as released (must get 0, and the grader must not crash);
- ``first_mistake``: the solution with the first planted mistake of the assignment;
- for the first assignment only (nbgrader treats these the same in every assignment): ``endless``,
  an answer that never returns (stopped by the per-cell timeout; only the tests that call it lose
  points); ``edited_tests``, a wrong answer whose test cell the student replaced by ``pass``
  (nbgrader restores the test cell, so the answer still loses its points); ``deleted_tests``, a
  test cell deleted (nbgrader puts it back, runs it, and says so in the graded notebook). A test
  cell whose grade id was changed makes nbgrader refuse the submission (its own test).

Every planted mistake (``MISTAKES``: the solution with one answer replaced by a typical wrong one)
must lose the points of exactly the tests that target it, with a message that names it. Those are
run in this process (``failing_cells``), which gives the same verdicts as nbgrader's kernel (checked
on the solution and the first mistake) ten times faster.

Needs nbgrader (the ``teach`` extra); nbgrader calls ``alembic`` from the environment's ``bin``.
"""
import copy
import json
import os
import shutil
import subprocess
import sys
import warnings
from pathlib import Path

import nbformat
import pytest

from notebook_cells import run_cell

nbgrader_api = pytest.importorskip(
    "nbgrader.api", reason="nbgrader is not installed: pip install -e \".[teach]\"")

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "notebooks" / "assignments"
ASSIGNMENTS = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())
TIMEOUT = 10  # s per cell while testing (the course's own limit is in its nbgrader_config.py)

# assignment -> {mistake: (answer cell's grade_id, wrong code, tests that must lose their points,
#                          words the failing test must say)}. The wrong code is the whole cell, or
# (old, new): the solution with one piece of text replaced.
MISTAKES = {
    "01_forward_pass": {
        # first, so that nbgrader grades it too: numpy refuses at once, only its cell scores 0
        "an answer that asks for 800 GB": (
            "count_parameters", "def count_parameters(sizes):\n    return int(np.ones(10 ** 11).sum())",
            {"test_count_parameters"}, "Unable to allocate"),
        "sigmoid overflows": (
            "sigmoid", "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))",
            {"test_sigmoid"}, "e^1000 overflows"),
        "sigmoid with math.exp": (
            "sigmoid", "import math\n\ndef sigmoid(z):\n    return 1 / (1 + math.exp(-z))",
            {"test_sigmoid", "test_mlp_forward"}, "math.exp takes one number"),
        "neuron without activation": (
            "neuron", "def neuron(x, w, b):\n    return np.dot(w, x) + b",
            {"test_neuron", "test_running_example"}, "apply the activation"),
        "neuron without bias": (
            "neuron", "def neuron(x, w, b):\n    return sigmoid(np.dot(w, x))",
            {"test_neuron", "test_running_example"}, "the bias is missing"),
        "running example with an edge 3 -> 7": (
            "running_example",
            "def running_example(x):\n"
            "    a3 = neuron(np.array([x]), np.array([2.0]), -1.0)\n"
            "    a4 = neuron(np.array([x]), np.array([-1.0]), 0.5)\n"
            "    a6 = neuron(np.array([a3, a4]), np.array([1.0, -2.0]), 0.5)\n"
            "    a7 = neuron(np.array([a3, a4]), np.array([1.0, 1.0]), -0.5)\n"
            "    return neuron(np.array([a6, a7]), np.array([2.0, -1.0]), 0.5)",
            {"test_running_example"}, "no edge 3 -> 7"),
        "dense layer with W, not W transposed": (
            "dense_forward", "def dense_forward(X, W, b):\n    return X @ W + b",
            {"test_dense_forward", "test_mlp_forward"}, "Z = X @ W.T + b"),
        "dense layer without bias": (
            "dense_forward", "def dense_forward(X, W, b):\n    return X @ W.T",
            {"test_dense_forward", "test_mlp_forward"}, "the bias b is missing"),
        "network without ReLU": (
            "mlp_forward",
            "def mlp_forward(X, params):\n    a = X\n    for W, b in params[:-1]:\n"
            "        a = dense_forward(a, W, b)\n    W, b = params[-1]\n"
            "    return sigmoid(dense_forward(a, W, b))",
            {"test_mlp_forward"}, "ReLU seems missing"),
        "network without the output sigmoid": (
            "mlp_forward",
            "def mlp_forward(X, params):\n    a = X\n    for W, b in params:\n"
            "        a = relu(dense_forward(a, W, b))\n    return a",
            {"test_mlp_forward"}, "apply the sigmoid"),
        "parameters without biases": (
            "count_parameters",
            "def count_parameters(sizes):\n    return sum(a * b for a, b in zip(sizes[:-1], sizes[1:]))",
            {"test_count_parameters"}, "the weights only"),
    },
    "02_backpropagation": {
        "sigmoid backward without grad_a": (
            "sigmoid_backward", "def sigmoid_backward(a, grad_a):\n    return a * (1 - a)",
            {"test_sigmoid_backward"}, "multiply by grad_a"),
        "sigmoid backward applies the sigmoid again": (
            "sigmoid_backward", "def sigmoid_backward(a, grad_a):\n    return grad_a * sigmoid(a) * (1 - sigmoid(a))",
            {"test_sigmoid_backward"}, "applies the sigmoid to a again"),
        "ReLU applied to the gradient": (
            "relu_backward", "def relu_backward(z, grad_a):\n    return relu(grad_a)",
            {"test_relu_backward", "test_train"}, "applies ReLU to the gradient"),
        "dL/dW transposed": (
            "dense_backward", "def dense_backward(A, W, grad_Z):\n    return A.T @ grad_Z, grad_Z.sum(axis=0), grad_Z @ W",
            {"test_dense_backward", "test_train"}, "with shape (2, 3), expected (3, 2)"),
        "dL/db not summed over the batch": (
            "dense_backward", "def dense_backward(A, W, grad_Z):\n    return grad_Z.T @ A, grad_Z, grad_Z @ W",
            {"test_dense_backward", "test_train"}, "sum over the batch"),
        "dL/db averaged over the batch": (
            "dense_backward", "def dense_backward(A, W, grad_Z):\n    return grad_Z.T @ A, grad_Z.mean(axis=0), grad_Z @ W",
            {"test_dense_backward", "test_train"}, "is the mean of grad_Z"),
        "gradient of the summed loss": (
            "bce_from_logits",
            "def bce_from_logits(z, y):\n    return float(np.mean(np.logaddexp(0.0, z) - y * z)), sigmoid(z) - y",
            {"test_bce", "test_train"}, "off by a factor of the batch size"),
        "loss through log(sigmoid(z))": (
            "bce_from_logits",
            "def bce_from_logits(z, y):\n    p = sigmoid(z)\n"
            "    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))), (p - y) / len(z)",
            {"test_bce"}, "np.logaddexp(0, z) - y * z"),
        "one-sided differences": (
            "numerical_gradient",
            "def numerical_gradient(f, w, eps=1e-6):\n    grad, base = np.zeros_like(w), f()\n"
            "    for i in np.ndindex(w.shape):\n        old = w[i]\n        w[i] = old + eps\n"
            "        grad[i] = (f() - base) / eps\n        w[i] = old\n    return grad",
            {"test_numerical_gradient"}, "central difference"),
        "w not put back": (
            "numerical_gradient",
            "def numerical_gradient(f, w, eps=1e-6):\n    grad = np.zeros_like(w)\n"
            "    for i in np.ndindex(w.shape):\n        w[i] += eps\n        up = f()\n        w[i] -= 2 * eps\n"
            "        grad[i] = (up - f()) / (2 * eps)\n    return grad",
            {"test_numerical_gradient"}, "put every entry back"),
        "training loop climbs the gradient": (
            "train", ("W - lr * grad_W, b - lr * grad_b", "W + lr * grad_W, b + lr * grad_b"),
            {"test_train"}, "step against the"),
        "training loop forgets its updates": (
            "train", ("        params = new[::-1]\n", ""),
            {"test_train"}, "did not change"),
    },
    "03_autograd": {
        "= instead of += (a value used twice)": (
            "backward",
            "def backward(root):\n    root.grad = 1.0\n    for out in reversed(topological_order(root)):\n"
            "        if out.a is not None:\n            out.a.grad = out.da * out.grad\n"
            "        if out.b is not None:\n            out.b.grad = out.db * out.grad",
            {"test_backward", "test_composites", "test_train"}, "a value used twice"),
        "recursive topological sort": (
            "topological_order",
            "def topological_order(root):\n    order, visited = [], set()\n\n    def visit(node):\n"
            "        if node not in visited:\n            visited.add(node)\n"
            "            for child in node.inputs():\n                visit(child)\n"
            "            order.append(node)\n\n    visit(root)\n    return order",
            {"test_topological_order", "test_backward"}, "recursion limit"),
        "a reused node listed twice": (
            "topological_order",
            "def topological_order(root):\n    order, stack = [], [root]\n    while stack:\n"
            "        node = stack.pop()\n        order.append(node)\n        stack.extend(node.inputs())\n"
            "    return order[::-1]",
            {"test_topological_order", "test_backward", "test_train"}, "lists a node more than once"),
        "tanh' computed from the input": (
            "operations", ("1.0 - t * t", "1.0 - a.data * a.data"),
            {"test_operations"}, "computed from the input a"),
        "mul's local derivatives swapped": (
            "operations", ('"*", a, b.data, b, a.data', '"*", a, a.data, b, b.data'),
            {"test_operations", "test_composites", "test_train"}, "are swapped"),
        "power's derivative without the exponent": (
            "operations", ("p * a.data ** (p - 1)", "a.data ** (p - 1)"),
            {"test_operations", "test_composites", "test_train"}, "misses the exponent"),
        "backward without the seed grad = 1": (
            "backward", ("    root.grad = 1.0\n", ""),
            {"test_backward", "test_composites", "test_train"}, "start with root.grad = 1.0"),
        "nodes visited from the inputs to the output": (
            "backward", ("reversed(topological_order(root))", "topological_order(root)"),
            {"test_backward", "test_composites", "test_train"}, "Walk reversed(topological_order(root))"),
        "sigmoid without the minus sign": (
            "composites", ("neg(a).exp()", "a.exp()"),
            {"test_composites", "test_network"}, "with the minus sign"),
        "a layer of one neuron returns a list": (
            "network", ("return out[0] if len(out) == 1 else out", "return out"),
            {"test_network", "test_train"}, "returns that neuron's Value"),
        "zero_grad forgotten between steps": (
            "train", ("        model.zero_grad()\n", ""),
            {"test_train"}, "Zero them (model.zero_grad())"),
    },
    "04_activations_and_initialization": {
        "He with n_out in place of n_in": (
            "normal_inits", ("np.sqrt(2.0 / n_in), size", "np.sqrt(2.0 / n_out), size"),
            {"test_normal_inits"}, "He's rule counts the layer's inputs"),
        "the variance passed as the standard deviation": (
            "normal_inits", ("np.sqrt(2.0 / n_in), size", "2.0 / n_in, size"),
            {"test_normal_inits"}, "Use np.sqrt of the variance"),
        "W of shape (n_in, n_out)": (
            "normal_inits", ("(n_in + n_out)), size=(n_out, n_in)", "(n_in + n_out)), size=(n_in, n_out)"),
            {"test_normal_inits"}, "the series' W has shape (n_out, n_in)"),
        "uniform limit r = s": (
            "uniform_inits", ("r = np.sqrt(6.0 / n_in)", "r = np.sqrt(2.0 / n_in)"),
            {"test_uniform_inits"}, "U(-r, r) has variance r^2 / 3"),
        "sigmoid' computed from z as if it were a": (
            "smooth_derivatives", ("    a = sigmoid(z)\n    return a * (1.0 - a)", "    return z * (1.0 - z)"),
            {"test_smooth_derivatives", "test_gradient_norms"}, "needs the sigmoid's output"),
        "tanh' as 1 - z^2": (
            "smooth_derivatives", ("1.0 - np.tanh(z) ** 2", "1.0 - z ** 2"),
            {"test_smooth_derivatives", "test_gradient_norms"}, "computes 1 - z^2"),
        "ReLU's slope 1 at z = 0": (
            "relus", ("np.where(z > 0, 1.0, 0.0)", "np.where(z >= 0, 1.0, 0.0)"),
            {"test_relus"}, "left slope, 0"),
        "leaky ReLU's alpha ignored": (
            "relus", ("np.where(z > 0, 1.0, alpha)", "np.where(z > 0, 1.0, 0.01)"),
            {"test_relus"}, "ignores alpha"),
        "leaky ReLU's slope 0 for z < 0": (
            "relus", ("np.where(z > 0, 1.0, alpha)", "np.where(z > 0, 1.0, 0.0)"),
            {"test_relus", "test_gradient_norms"}, "the leaky slope there is alpha"),
        "norms per layer in reversed order": (
            "gradient_norms", ("np.array(delta_norms[::-1]), np.array(grad_W_norms[::-1])",
                               "np.array(delta_norms), np.array(grad_W_norms)"),
            {"test_gradient_norms", "test_deep_stack"}, "reversed order"),
        "output delta without the 1/n of the mean": (
            "gradient_norms", ("(a - y[:, None]) / len(X)", "(a - y[:, None])"),
            {"test_gradient_norms"}, "off by a factor of the batch size"),
        "a new rng for every layer": (
            "deep_stack", ("init(m, n, rng)", "init(m, n, np.random.default_rng(seed))"),
            {"test_deep_stack"}, "each layer needs its own draw"),
    },
    "05_optimizers": {
        "momentum step not in place": (
            "momentum_step", ("        p -= lr * b", "        p = p - lr * b"),
            {"test_momentum_step"}, "update the arrays in place"),
        "momentum buffer not kept between calls": (
            "momentum_step",
            ('if "b" not in state:\n        state["b"] = [np.zeros_like(p) for p in params]\n'
             '    for p, g, b in zip(params, grads, state["b"]):',
             'for p, g, b in zip(params, grads, [np.zeros_like(p) for p in params]):'),
            {"test_momentum_step"}, "the buffer b was not kept between calls"),
        "momentum averaged instead of summed": (
            "momentum_step", ("        b += g\n", "        b += (1 - mu) * g\n"),
            {"test_momentum_step"}, "momentum sums, b = mu * b + g"),
        "RMSProp without the square root": (
            "rmsprop_step", ("p -= lr * g / (np.sqrt(v) + eps)", "p -= lr * g / (v + eps)"),
            {"test_rmsprop_step"}, "take the square root of v"),
        "RMSProp with eps inside the square root": (
            "rmsprop_step", ("p -= lr * g / (np.sqrt(v) + eps)", "p -= lr * g / np.sqrt(v + eps)"),
            {"test_rmsprop_step"}, "eps is inside the square root"),
        "Adam without bias correction": (
            "adam_step", ("m_hat = m / (1 - beta1**t)\n        v_hat = v / (1 - beta2**t)", "m_hat, v_hat = m, v"),
            {"test_adam_step"}, "bias correction is missing"),
        "Adam with t starting at 0": (
            "adam_step", ('    state["t"] += 1\n    t = state["t"]\n', '    t = state["t"]\n    state["t"] += 1\n'),
            {"test_adam_step"}, "1 - beta1**t is 0 when t = 0"),
        "Adam with beta1 and beta2 swapped": (
            "adam_step", ('    t = state["t"]\n', '    t = state["t"]\n    beta1, beta2 = beta2, beta1\n'),
            {"test_adam_step"}, "beta1 and beta2 swapped"),
        "Adam adds the step": (
            "adam_step", ("p -= lr * m_hat", "p += lr * m_hat"),
            {"test_adam_step"}, "went up the gradient"),
        "path rows are one array": (
            "descend", ("path.append(p.copy())", "path.append(p)"),
            {"test_descend"}, "Append p.copy()"),
        "descend gives a new state at every step": (
            "descend", ("step([p], [grad(p)], state, **hyper)", "step([p], [grad(p)], {}, **hyper)"),
            {"test_descend"}, "a new state at every call"),
        "training loop forgets the optimizer's state": (
            "train_network", ("net.gradients(), state, **hyper)", "net.gradients(), {}, **hyper)"),
            {"test_train_network"}, "make state = {} once before the loop"),
    },
    "06_regularization": {
        "L2 gradient lam W instead of 2 lam W": (
            "l2_penalty", ("gW + 2 * lam * W", "gW + lam * W"),
            {"test_l2_penalty"}, "the derivative of lam * W^2 is 2 lam W"),
        "L2 penalty on the biases too": (
            "l2_penalty",
            "def l2_penalty(params, grads, lam):\n"
            "    penalty = lam * sum(np.sum(W**2) + np.sum(b**2) for W, b in params)\n"
            "    new_grads = [(gW + 2 * lam * W, gb + 2 * lam * b) for (W, b), (gW, gb) in zip(params, grads)]\n"
            "    return float(penalty), new_grads",
            {"test_l2_penalty"}, "the weights W only"),
        "weight decay applied to the biases": (
            "decay_step", ("        b -= lr * gb", "        b *= 1.0 - lr * wd\n        b -= lr * gb"),
            {"test_decay_step"}, "decay the weights W only"),
        "decay step not in place": (
            "decay_step", ("        W *= 1.0 - lr * wd\n        W -= lr * gW", "        W = (1.0 - lr * wd) * W - lr * gW"),
            {"test_decay_step", "test_experiment"}, "update the arrays in place"),
        "dropout without the 1/(1-p) scaling": (
            "dropout", ("self.mask = keep / (1.0 - self.p)", "self.mask = keep * 1.0"),
            {"test_dropout_forward"}, "multiplies them by 1 / (1 - p)"),
        "dropout active in eval mode": (
            "dropout", ("        if not self.training:\n            return a\n", ""),
            {"test_dropout_forward"}, "dropout is active in eval mode"),
        "dropout scaled again at eval time": (
            "dropout", ("        if not self.training:\n            return a\n",
                        "        if not self.training:\n            return a / (1.0 - self.p)\n"),
            {"test_dropout_forward"}, "counts it twice"),
        "dropout keeps with probability p": (
            "dropout", ("keep = self.rng.random(a.shape) >= self.p", "keep = self.rng.random(a.shape) < self.p"),
            {"test_dropout_forward"}, "p is the probability to drop"),
        "dropout backward draws a new mask": (
            "dropout", ("        return grad_out * self.mask",
                        "        return grad_out * (self.rng.random(grad_out.shape) >= self.p) / (1.0 - self.p)"),
            {"test_dropout_backward"}, "use the mask of the forward pass"),
        "early stopping keeps the last weights": (
            "early_stopping",
            ("    for (W, b), (W_best, b_best) in zip(params, best):\n        W[...] = W_best\n        b[...] = b_best\n", ""),
            {"test_early_stopping", "test_experiment"}, "keep a copy of the arrays"),
        "early stopping keeps names, not copies": (
            "early_stopping", ("best = [(W.copy(), b.copy()) for W, b in params]", "best = list(params)"),
            {"test_early_stopping", "test_experiment"}, "only names the same arrays"),
        "patience off by one": (
            "early_stopping", ("epoch - best_epoch >= patience", "epoch - best_epoch > patience"),
            {"test_early_stopping"}, "one epoch too many"),
    },
}


def planted(solution, code):
    """The answer cell with a planted mistake: ``code`` itself, or the solution with one replacement."""
    if isinstance(code, str):
        return code
    old, new = code
    assert solution.count(old) == 1, f"{old!r} is not in the solution once"
    return "\n".join(line for line in solution.replace(old, new).splitlines()
                     if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


def nbgrader(*args, cwd):
    """Run one nbgrader command in the course folder ``cwd``; fail with its output if it fails."""
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=600)
    return result


def notebook_of(folder, assignment):
    return folder / assignment / f"{assignment}.ipynb"


def cell(nb, grade_id):
    found = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id]
    assert len(found) == 1, f"no single cell with grade_id {grade_id!r}"
    return found[0]


def graded_ids(nb):
    return [c.metadata["nbgrader"]["grade_id"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")]


def submit(course, student, assignment, nb):
    folder = course / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / f"{assignment}.ipynb")


MECHANISMS = ASSIGNMENTS[:1]  # nbgrader's handling of endless, edited and deleted cells: one assignment


class Course:
    """A copy of the course in a temporary folder; each assignment is graded the first time a test
    asks for it (so ``-k 01_forward_pass`` grades only that one)."""

    def __init__(self, root):
        self.root = root
        self.scores = {}  # (student, assignment) -> {grade_id: score}
        self.graded = set()

    def grade(self, assignment):
        """Generate ``assignment``, hand in the test submissions, autograde them; (root, scores)."""
        if assignment not in self.graded:
            self._grade(assignment)
            self.graded.add(assignment)
        return self.root, self.scores

    def _grade(self, assignment):
        root = self.root
        result = nbgrader("generate_assignment", assignment, "--force", cwd=root)
        assert result.returncode == 0, result.stderr[-3000:]
        source = nbformat.read(notebook_of(root / "source", assignment), as_version=4)
        release = nbformat.read(notebook_of(root / "release", assignment), as_version=4)
        submit(root, "solution", assignment, source)
        submit(root, "untouched", assignment, release)
        submit(root, "first_mistake", assignment, with_mistake(source, assignment, 0))
        students = ["solution", "untouched", "first_mistake"]
        if assignment in MECHANISMS:
            # an endless loop in the last answer (only its test calls it: one timeout, not many),
            # a test cell replaced by `pass`, and one deleted
            last, _ = answer_and_test(source, last=True)
            nb = nbformat.read(notebook_of(root / "source", assignment), as_version=4)
            cell(nb, last).source = cell(nb, last).source.split("\n")[0] + "\n    while True:\n        pass"
            submit(root, "endless", assignment, nb)
            _, test = answer_and_test(source)
            nb = nbformat.read(notebook_of(root / "release", assignment), as_version=4)
            cell(nb, test).source = "pass"
            submit(root, "edited_tests", assignment, nb)
            nb = nbformat.read(notebook_of(root / "release", assignment), as_version=4)
            nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != test]
            submit(root, "deleted_tests", assignment, nb)
            students += ["endless", "edited_tests", "deleted_tests"]
        result = nbgrader("autograde", assignment, "--force", f"--Execute.timeout={TIMEOUT}", cwd=root)
        assert result.returncode == 0, result.stderr[-3000:]
        with nbgrader_api.Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
            for student in students:
                nb = gradebook.find_submission_notebook(assignment, assignment, student)
                self.scores[student, assignment] = {g.name: g.score for g in nb.grades}


def with_mistake(source, assignment, k):
    """A copy of the source notebook with planted mistake number ``k`` of ``assignment``."""
    grade_id, code, _, _ = list(MISTAKES[assignment].values())[k]
    nb = copy.deepcopy(source)
    cell(nb, grade_id).source = planted(cell(nb, grade_id).source, code)
    return nb


def failing_cells(nb):
    """Run the notebook's code cells in one fresh namespace in this process, as the grader's kernel
    runs them (an error stops only its cell); {grade_id: "Error: message"} of the graded code cells
    that fail. The source's test cells hold the hidden tests too, as the graded notebook does.
    nbgrader gives a graded code cell its points exactly when it runs without an error, which
    ``test_running_here_fails_the_cells_nbgrader_scores_zero`` checks; running here is ten times
    faster than a kernel per submission, so the planted mistakes are run this way."""
    namespace, failed = {"__name__": "__main__"}, {}
    for c in nb.cells:
        if c.cell_type != "code":
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # a student's cell warns as it likes
                run_cell(c.source, namespace)
        except Exception as error:  # noqa: BLE001  (a student's cell may raise anything)
            m = c.metadata.get("nbgrader", {})
            if m.get("grade"):
                failed[m["grade_id"]] = f"{type(error).__name__}: {error}"
    return failed


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(COURSE, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", ".ipynb_checkpoints"))
    return Course(root)


def answer_and_test(nb, last=False):
    """The grade_ids of the first (or ``last``) autograded answer cell and of the test cell after it."""
    ids = [(c.metadata["nbgrader"]["grade_id"], c.metadata["nbgrader"])
           for c in nb.cells if "nbgrader" in c.metadata]
    pairs = [(gid, next_gid) for (gid, m), (next_gid, next_m) in zip(ids, ids[1:])
             if m.get("solution") and not m.get("grade") and next_m.get("grade") and not next_m.get("solution")]
    assert pairs, "no answer cell followed by a test cell"
    return pairs[-1] if last else pairs[0]


def max_points(nb):
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")}


def source_nb(assignment):
    return nbformat.read(notebook_of(COURSE / "source", assignment), as_version=4)


# ---- the source notebooks -------------------------------------------------------------------------

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_source_is_an_nbgrader_notebook_with_points_and_a_written_answer(assignment):
    nb = source_nb(assignment)
    points = max_points(nb)
    written = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")
               and c.metadata["nbgrader"].get("grade") and c.cell_type == "markdown"]
    assert points and all(p > 0 for p in points.values())
    assert written, "every assignment has at least one written answer graded by hand"
    hidden = [c for c in nb.cells if "### BEGIN HIDDEN TESTS" in c.source]
    assert hidden, "the hidden tests run only when grading"
    assert all(not c.outputs for c in nb.cells if c.cell_type == "code"), "source notebooks are kept clear"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_nbgrader_validate_passes_on_the_source(assignment, tmp_path):
    shutil.copytree(COURSE, tmp_path / "course", ignore=shutil.ignore_patterns("gradebook.db"))
    result = nbgrader("validate", str(notebook_of(tmp_path / "course" / "source", assignment)),
                      cwd=tmp_path / "course")
    assert result.returncode == 0 and "Success!" in result.stdout, result.stdout + result.stderr


# ---- the student version ------------------------------------------------------------------------

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_has_no_solutions_and_no_hidden_tests(course, assignment):
    root, _ = course.grade(assignment)
    text = notebook_of(root / "release", assignment).read_text()
    source = source_nb(assignment)
    for marker in ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"):
        assert marker not in text
    release = nbformat.read(notebook_of(root / "release", assignment), as_version=4)
    for c in source.cells:
        m = c.metadata.get("nbgrader", {})
        if m.get("solution"):
            released = cell(release, m["grade_id"]).source
            body = c.source.split("### BEGIN SOLUTION")[-1].split("### END SOLUTION")[0].strip()
            for line in body.splitlines():
                if line.strip():
                    assert line.strip() not in released, f"solution line {line.strip()!r} was released"
        if "### BEGIN HIDDEN TESTS" in c.source:
            hidden = c.source.split("### BEGIN HIDDEN TESTS")[1].split("### END HIDDEN TESTS")[0]
            for line in hidden.splitlines():
                if line.strip().startswith("assert"):
                    assert line.strip() not in text, f"hidden test {line.strip()!r} was released"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_release_runs_top_to_bottom_with_every_stub_raising_not_implemented(course, assignment):
    # the untouched release, as the grader ran it top to bottom (one error stops only its cell)
    root, _ = course.grade(assignment)
    nb = nbformat.read(notebook_of(root / "autograded" / "untouched", assignment), as_version=4)
    errors = [o.ename for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors, "the stubs raise NotImplementedError until the student writes the answer"
    assert set(errors) == {"NotImplementedError"}, f"the release raised other errors: {errors}"


# ---- grading ------------------------------------------------------------------------------------

def code_points(nb):
    return {gid: p for gid, p in max_points(nb).items() if cell(nb, gid).cell_type == "code"}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_solution_gets_every_autograded_point(course, assignment):
    _, scores = course.grade(assignment)
    points = code_points(source_nb(assignment))
    got = scores["solution", assignment]
    assert {gid: got[gid] for gid in points} == points


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_untouched_release_gets_nothing(course, assignment):
    _, scores = course.grade(assignment)
    assert set(scores["untouched", assignment].values()) == {0.0}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_running_here_fails_the_cells_nbgrader_scores_zero(course, assignment):
    # the premise of the planted-mistake tests below, checked on the solution and one mistake
    _, scores = course.grade(assignment)
    source = source_nb(assignment)
    for student, nb in (("solution", source), ("first_mistake", with_mistake(source, assignment, 0))):
        zero = {gid for gid in code_points(source) if scores[student, assignment][gid] == 0}
        assert set(failing_cells(nb)) == zero, student


PLANTED = [(a, name) for a in ASSIGNMENTS for name in MISTAKES.get(a, {})]


@pytest.mark.parametrize("assignment, mistake", PLANTED, ids=[f"{a}: {m}" for a, m in PLANTED])
def test_each_planted_mistake_loses_its_points_and_is_named(assignment, mistake):
    source = source_nb(assignment)
    assert failing_cells(source) == {}, "the solution must pass every test"
    _, _, failing, words = MISTAKES[assignment][mistake]
    failed = failing_cells(with_mistake(source, assignment, list(MISTAKES[assignment]).index(mistake)))
    assert set(failed) == failing, f"{mistake}: lost points in {sorted(failed)}, expected {sorted(failing)}"
    messages = " | ".join(failed.values())
    assert words in messages, f"{mistake}: the failing tests said {messages!r}, not {words!r}"


@pytest.mark.parametrize("assignment", MECHANISMS)
def test_an_endless_answer_is_stopped_and_costs_only_its_own_tests(course, assignment):
    root, scores = course.grade(assignment)
    _, test = answer_and_test(source_nb(assignment), last=True)
    got, full = scores["endless", assignment], scores["solution", assignment]
    assert got[test] == 0
    autograded = nbformat.read(notebook_of(root / "autograded" / "endless", assignment), as_version=4)
    assert "CellTimeoutError" in json.dumps(cell(autograded, test).get("outputs", []))  # where it is called
    # every other test keeps its points
    assert {gid: v for gid, v in got.items() if gid != test} == {gid: v for gid, v in full.items() if gid != test}


@pytest.mark.parametrize("assignment", MECHANISMS)
def test_a_test_cell_replaced_by_the_student_is_restored_before_grading(course, assignment):
    _, scores = course.grade(assignment)
    _, test = answer_and_test(source_nb(assignment))
    assert scores["edited_tests", assignment][test] == 0


@pytest.mark.parametrize("assignment", MECHANISMS)
def test_a_deleted_test_cell_is_put_back_graded_and_flagged(course, assignment):
    root, scores = course.grade(assignment)
    _, test = answer_and_test(source_nb(assignment))
    assert scores["deleted_tests", assignment][test] == 0  # the unanswered stub fails the restored test
    autograded = nbformat.read(notebook_of(root / "autograded" / "deleted_tests", assignment), as_version=4)
    assert "was missing from the submission" in cell(autograded, test).source


@pytest.mark.parametrize("assignment", MECHANISMS)
def test_a_renamed_test_cell_makes_nbgrader_refuse_the_submission(course, assignment, tmp_path):
    root, _ = course.grade(assignment)
    work = tmp_path / "course"
    shutil.copytree(root, work, ignore=shutil.ignore_patterns("submitted", "autograded"))
    _, test = answer_and_test(source_nb(assignment))
    nb = nbformat.read(notebook_of(root / "release", assignment), as_version=4)
    cell(nb, test).metadata["nbgrader"]["grade_id"] = "my_own_test"
    cell(nb, "my_own_test").source = "pass"
    submit(work, "renamed_tests", assignment, nb)
    result = nbgrader("autograde", assignment, "--force", cwd=work)
    assert result.returncode != 0
    assert f"error processing assignment '{assignment}' for student 'renamed_tests'" in result.stderr


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_assignment_has_its_typical_mistakes_planted(assignment):
    assert len(MISTAKES.get(assignment, {})) >= 6, (
        f"{assignment}: list its typical mistakes in MISTAKES, each with the words its test says")
