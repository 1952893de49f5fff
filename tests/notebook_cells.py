"""Reading and running a notebook's code cells from a test, to prove its exercise checks work.

The exercise tests take the stub and check cells from the committed notebook and run them as they
are, with a correct or a wrong answer (written in the test) put in place of the stub's. So the
tests follow the notebook when it changes, and no copy of a check cell can drift from the real one.

- ``code_cells(path)``: the sources of the code cells, widget cells left out;
- ``cell_containing(path, text)``: the one code cell whose source contains ``text``;
- ``check_cells(path, names)``: the cell that checks each exercise function of ``names``;
- ``run_cell(source, namespace)``: run one cell in a namespace, return what it printed;
- ``run_cells(path)``: run the notebook's cells in order, return the namespace they leave;
- ``run_check(source, namespace, **answers)``: run a check cell on a copy of the namespace with
  the answers in it, return what it printed;
- ``run_exercise(path, namespace, stub_text, check_text, **answers)``: the same for the cells
  containing those texts, with the stub's placeholder when no answer is given;
- ``verdicts(printed)``: the first word of each printed line, "Correct", "Not yet" or "Wrong".

Example::

    namespace = run_cells(NOTEBOOK)
    printed = run_check(cell_containing(NOTEBOOK, 'check("collapse'), namespace, collapse=correct)
    assert verdicts(printed) == ["Correct"]

Test files import it with ``from notebook_cells import ...``: tests/ is not a package, so pytest
puts it on sys.path when it collects a test file there.
"""
import contextlib
import io
import json
from pathlib import Path

WIDGET_TAGS = ("nbval-ignore-output",)


def code_cells(path, skip_tags=WIDGET_TAGS):
    """The sources of the notebook's code cells, in order, as strings.

    Cells tagged with any of ``skip_tags`` are left out; the default leaves out the widget cells
    (tagged ``nbval-ignore-output``), which need a browser. ``skip_tags=()`` keeps every cell.
    """
    cells = json.loads(Path(path).read_text(encoding="utf-8"))["cells"]
    return ["".join(c["source"]) for c in cells
            if c["cell_type"] == "code" and not set(skip_tags) & set(c["metadata"].get("tags", []))]


def cell_containing(path, text):
    """The source of the one code cell of the notebook that contains ``text`` (any cell, tagged
    or not). Fails the test if no cell or more than one contains it."""
    found = [source for source in code_cells(path, skip_tags=()) if text in source]
    assert len(found) == 1, f"expected one code cell containing {text!r}, found {len(found)}"
    return found[0]


def check_cells(path, names):
    """{name: source} of the cell that checks each function of ``names``: the untagged code cell
    that calls ``name(`` and ``check(`` and defines nothing. Names without such a cell are missing."""
    return {name: source for source in code_cells(path) for name in names
            if f"{name}(" in source and "check(" in source and "def " not in source}


def run_cell(source, namespace):
    """Run one cell's source in ``namespace`` (changing it) and return what it printed.

    Lines starting with ``%`` (IPython magics such as ``%matplotlib inline``) are left out: they
    are not Python.
    """
    source = "\n".join(line for line in source.splitlines() if not line.startswith("%"))
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(source, "<notebook cell>", "exec"), namespace)
    return printed.getvalue()


def run_cells(path, skip_tags=WIDGET_TAGS):
    """Run the notebook's code cells (see ``code_cells``) top to bottom in one fresh namespace and
    return it. What they print is captured and dropped."""
    namespace = {}
    for source in code_cells(path, skip_tags):
        run_cell(source, namespace)
    return namespace


def run_check(source, namespace, **answers):
    """Run a check cell on a copy of ``namespace`` with ``answers`` (e.g. ``collapse=correct``) in
    it, and return what it printed. ``namespace`` itself is not changed."""
    return run_cell(source, {**namespace, **answers})


def run_exercise(path, namespace, stub_text, check_text, **answers):
    """Run the check cell containing ``check_text`` on a copy of ``namespace`` with ``answers`` in
    it; with no answers, run the stub cell containing ``stub_text`` first, so that the check sees
    the stub's placeholder. Returns what the check cell printed."""
    namespace = dict(namespace)
    if not answers:
        run_cell(cell_containing(path, stub_text), namespace)
    return run_check(cell_containing(path, check_text), namespace, **answers)


def verdicts(printed):
    """The word before the colon on each printed line: ``"Correct: W matches.\\nNot yet: b ..."``
    gives ``["Correct", "Not yet"]``."""
    return [line.split(":")[0] for line in printed.strip().splitlines()]


def first_cell_namespace(path):
    """A namespace prepared by the notebook's first code cell (its imports and constants)."""
    namespace = {}
    run_cell(code_cells(path, skip_tags=())[0], namespace)
    return namespace


def exercise_verdicts(path, namespace, stub_text, check_text, **answers):
    """The verdicts of the check cell (see ``run_exercise``), with ``answers`` or else the stub's
    placeholder."""
    return verdicts(run_exercise(path, namespace, stub_text, check_text, **answers))
