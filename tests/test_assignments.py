"""The graded assignments in notebooks/assignments, put through nbgrader as an instructor would.

One temporary copy of the course is made per test session: every assignment is generated into its
student version, and a set of submissions is autograded in one nbgrader run:

- ``solution``: the instructor's source notebook (must get every autograded point);
- ``untouched``: the student version as released (must get 0, and the grader must not crash);
- one submission per planted mistake (``MISTAKES``): the solution with one answer cell replaced by
  a typical wrong answer; the tests that target it must lose their points and say what is wrong;
- ``endless``: an answer that never returns (stopped by the per-cell timeout; only its cell's
  tests lose points);
- ``edited_tests``: a wrong answer whose test cell the student replaced by ``pass`` (nbgrader
  restores the test cell from its database, so the answer still loses its points);
- ``deleted_tests``: a test cell deleted (nbgrader puts it back, runs it, and says so in the graded
  notebook). A test cell whose grade id was changed makes nbgrader refuse the submission (its own test).

Needs nbgrader (the ``teach`` extra); nbgrader calls ``alembic`` from the environment's ``bin``.
"""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

nbgrader_api = pytest.importorskip(
    "nbgrader.api", reason="nbgrader is not installed: pip install -e \".[teach]\"")
nbclient = pytest.importorskip("nbclient")

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "notebooks" / "assignments"
ASSIGNMENTS = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())
TIMEOUT = 10  # s per cell while testing (the course's own limit is in its nbgrader_config.py)

# assignment -> {mistake: (answer cell's grade_id, wrong code, tests that must lose their points,
#                          words the failing test must say)}. The wrong code is the whole cell, or
# (old, new): the solution with one piece of text replaced.
MISTAKES = {
    "01_forward_pass": {
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


@pytest.fixture(scope="session")
def course(tmp_path_factory):
    """A graded copy of the course: (folder, {(student, assignment): {grade_id: score}})."""
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(COURSE, root, dirs_exist_ok=True, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", ".ipynb_checkpoints"))
    students = {}
    for assignment in ASSIGNMENTS:
        result = nbgrader("generate_assignment", assignment, "--force", cwd=root)
        assert result.returncode == 0, result.stderr[-3000:]
        source = nbformat.read(notebook_of(root / "source", assignment), as_version=4)
        release = nbformat.read(notebook_of(root / "release", assignment), as_version=4)
        submit(root, "solution", assignment, source)
        submit(root, "untouched", assignment, release)
        students[assignment] = ["solution", "untouched"]
        for k, (grade_id, code, _, _) in enumerate(MISTAKES.get(assignment, {}).values()):
            nb = nbformat.read(notebook_of(root / "source", assignment), as_version=4)
            cell(nb, grade_id).source = planted(cell(nb, grade_id).source, code)
            submit(root, f"mistake{k:02d}", assignment, nb)
            students[assignment].append(f"mistake{k:02d}")
        # an endless loop in the first answer cell, and a test cell replaced by `pass`
        first, test = answer_and_test(source)
        nb = nbformat.read(notebook_of(root / "source", assignment), as_version=4)
        cell(nb, first).source = cell(nb, first).source.split("\n")[0] + "\n    while True:\n        pass"
        submit(root, "endless", assignment, nb)
        nb = nbformat.read(notebook_of(root / "release", assignment), as_version=4)
        cell(nb, test).source = "pass"
        submit(root, "edited_tests", assignment, nb)
        nb = nbformat.read(notebook_of(root / "release", assignment), as_version=4)
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != test]
        submit(root, "deleted_tests", assignment, nb)
        students[assignment] += ["endless", "edited_tests", "deleted_tests"]
    for assignment in ASSIGNMENTS:
        result = nbgrader("autograde", assignment, "--force", f"--Execute.timeout={TIMEOUT}", cwd=root)
        assert result.returncode == 0, result.stderr[-3000:]
    scores = {}
    with nbgrader_api.Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for assignment, names in students.items():
            for student in names:
                nb = gradebook.find_submission_notebook(assignment, assignment, student)
                scores[student, assignment] = {g.name: g.score for g in nb.grades}
    return root, scores


def answer_and_test(nb):
    """The grade_ids of the first autograded answer cell and of the test cell after it."""
    ids = [(c.metadata["nbgrader"]["grade_id"], c.metadata["nbgrader"])
           for c in nb.cells if "nbgrader" in c.metadata]
    for (gid, m), (next_gid, next_m) in zip(ids, ids[1:]):
        if m.get("solution") and not m.get("grade") and next_m.get("grade") and not next_m.get("solution"):
            return gid, next_gid
    raise AssertionError("no answer cell followed by a test cell")


def max_points(nb):
    return {c.metadata["nbgrader"]["grade_id"]: c.metadata["nbgrader"]["points"] for c in nb.cells
            if c.metadata.get("nbgrader", {}).get("grade")}


def autograded_error(course_root, student, assignment, grade_id):
    """The error message (ename: evalue) a graded cell printed in the autograded notebook, or ''."""
    nb = nbformat.read(notebook_of(course_root / "autograded" / student, assignment), as_version=4)
    errors = [o for o in cell(nb, grade_id).get("outputs", []) if o.output_type == "error"]
    return " ".join(f"{o.ename}: {o.evalue}" for o in errors)


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
    root, _ = course
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
    root, _ = course
    nb = nbformat.read(notebook_of(root / "release", assignment), as_version=4)
    client = nbclient.NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3",
                                     resources={"metadata": {"path": str(root)}})
    client.execute()
    errors = [o.ename for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors, "the stubs raise NotImplementedError until the student writes the answer"
    assert set(errors) == {"NotImplementedError"}, f"the release raised other errors: {errors}"


# ---- grading ------------------------------------------------------------------------------------

@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_solution_gets_every_autograded_point(course, assignment):
    _, scores = course
    nb = source_nb(assignment)
    points = {gid: p for gid, p in max_points(nb).items() if cell(nb, gid).cell_type == "code"}
    got = scores["solution", assignment]
    assert {gid: got[gid] for gid in points} == points


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_the_untouched_release_gets_nothing(course, assignment):
    _, scores = course
    assert set(scores["untouched", assignment].values()) == {0.0}


PLANTED = [(a, name) for a in ASSIGNMENTS for name in MISTAKES.get(a, {})]


@pytest.mark.parametrize("assignment, mistake", PLANTED, ids=[f"{a}: {m}" for a, m in PLANTED])
def test_each_planted_mistake_loses_its_points_and_is_named(course, assignment, mistake):
    root, scores = course
    k = list(MISTAKES[assignment]).index(mistake)
    _, _, failing, words = MISTAKES[assignment][mistake]
    points = max_points(source_nb(assignment))
    got = scores[f"mistake{k:02d}", assignment]
    lost = {gid for gid, p in points.items() if got[gid] < p and gid in scores["solution", assignment]
            and scores["solution", assignment][gid] == p}
    assert lost == failing, f"{mistake}: lost points in {sorted(lost)}, expected {sorted(failing)}"
    messages = " | ".join(autograded_error(root, f"mistake{k:02d}", assignment, gid) for gid in failing)
    assert words in messages, f"{mistake}: the failing tests said {messages!r}, not {words!r}"


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_an_endless_answer_is_stopped_and_costs_only_its_own_tests(course, assignment):
    root, scores = course
    _, test = answer_and_test(source_nb(assignment))
    got, full = scores["endless", assignment], scores["solution", assignment]
    assert got[test] == 0
    autograded = nbformat.read(notebook_of(root / "autograded" / "endless", assignment), as_version=4)
    assert "CellTimeoutError" in json.dumps(cell(autograded, test).get("outputs", []))  # where it is called
    # later answers do not call the first one in every assignment; at least one later test scores
    assert sum(got.values()) > 0 and sum(got.values()) < sum(full.values())


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_test_cell_replaced_by_the_student_is_restored_before_grading(course, assignment):
    _, scores = course
    _, test = answer_and_test(source_nb(assignment))
    assert scores["edited_tests", assignment][test] == 0


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_deleted_test_cell_is_put_back_graded_and_flagged(course, assignment):
    root, scores = course
    _, test = answer_and_test(source_nb(assignment))
    assert scores["deleted_tests", assignment][test] == 0  # the unanswered stub fails the restored test
    autograded = nbformat.read(notebook_of(root / "autograded" / "deleted_tests", assignment), as_version=4)
    assert "was missing from the submission" in cell(autograded, test).source


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_a_renamed_test_cell_makes_nbgrader_refuse_the_submission(course, assignment, tmp_path):
    root, _ = course
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
