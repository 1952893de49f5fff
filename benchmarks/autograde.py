"""How long nbgrader takes to grade one submission of each assignment in notebooks/assignments.

Run from the project root (needs the teach extra):  python benchmarks/autograde.py [--assignments 01_forward_pass]

For every assignment it copies the course to a temporary folder, generates the student version,
hands in the instructor's solution as one student's submission, and times `nbgrader autograde`
for that one student (the command's start-up included, as an instructor pays it). The start-up
alone is measured with `nbgrader --version`. Target: under 30 s per submission on 2 cores.

This is a measurement, not a test: it prints a table and judges nothing.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
COURSE = ROOT / "notebooks" / "assignments"


def nbgrader(*args, cwd):
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"nbgrader {' '.join(args)} failed:\n{result.stderr[-2000:]}")
    return time.perf_counter() - start


def main():
    every = sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assignments", default=",".join(every),
                        help="comma-separated assignment names (default: all)")
    assignments = parser.parse_args().assignments.split(",")
    unknown = sorted(set(assignments) - set(every))
    if unknown:
        sys.exit(f"unknown assignments {unknown}; the course has {every}")
    with tempfile.TemporaryDirectory() as tmp:
        course = Path(tmp) / "course"
        shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns("gradebook.db", "release"))
        startup = min(nbgrader("--version", cwd=course) for _ in range(3))
        print(f"nbgrader start-up (best of 3): {startup:.1f} s")
        print(f"{'assignment':<36} {'generate (s)':>12} {'autograde one (s)':>18}")
        for name in assignments:
            generate = nbgrader("generate_assignment", name, "--force", cwd=course)
            folder = course / "submitted" / "student" / name
            folder.mkdir(parents=True)
            shutil.copy(course / "source" / name / f"{name}.ipynb", folder)
            grade = nbgrader("autograde", name, "--student", "student", "--force", cwd=course)
            print(f"{name:<36} {generate:>12.1f} {grade:>18.1f}")


if __name__ == "__main__":
    main()
