"""No text of one panel drawn over another panel, in any figure the notebooks draw.

Every notebook is run top to bottom in a kernel in which each drawing of a figure (the inline
pictures, and the live figures of the sliders) is checked with ``figure_layout.overlaps``.
"""
import json
import pathlib

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
import pytest  # noqa: E402

from figure_layout import overlaps  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))

HOOK = f"""
import sys as _sys
_sys.path.insert(0, {str(ROOT / "tests")!r})
from matplotlib.backends.backend_agg import FigureCanvasAgg as _Agg
from figure_layout import overlaps as _overlaps
_layout_found = []
_agg_draw = _Agg.draw

def _checked_draw(self, *args, **kwargs):
    result = _agg_draw(self, *args, **kwargs)
    cell = get_ipython().execution_count
    for problem in _overlaps(self.figure):
        if (cell, problem) not in _layout_found:
            _layout_found.append((cell, problem))
    return result

_Agg.draw = _checked_draw
"""
REPORT = "import json as _json; print(_json.dumps(_layout_found))"


def test_a_label_pushed_onto_the_next_panel_is_found():
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3))
    left.set_title("left")
    right.set_title("right")
    right.set_ylabel("a label far to the left", labelpad=60)   # lands on the left panel
    fig.canvas.draw()
    found = overlaps(fig)
    plt.close(fig)
    assert found == ["'a label far to the left' of panel 2 of 2 ('right') lies on panel 1 of 2 ('left')"]


def test_a_clean_figure_with_a_twin_and_an_inset_passes():
    fig, (left, right) = plt.subplots(1, 2, figsize=(8, 3), layout="constrained")
    left.plot([1, 2], [3, 4])
    left.set(title="left", xlabel="x", ylabel="y")
    twin = right.twinx()
    twin.set_ylabel("twin")
    left.inset_axes([0.6, 0.6, 0.35, 0.35]).set_title("inset")
    fig.suptitle("a suptitle above everything")
    fig.canvas.draw()
    assert overlaps(fig) == []
    plt.close(fig)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_text_lies_on_another_panel(path):
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    first = 1 if "%matplotlib" in nb.cells[1].source else 0   # after the import cell
    nb.cells.insert(first + 1, nbformat.v4.new_code_cell(HOOK))
    nb.cells.append(nbformat.v4.new_code_cell(REPORT))
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    found = json.loads(nb.cells[-1].outputs[0]["text"])
    assert not found, "\n".join(f"cell run {cell}: {problem}" for cell, problem in found)
