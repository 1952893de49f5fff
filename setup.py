"""Only here to install jupyter-settings/ with `pip install -e .` too (pyproject.toml has the rest).

setuptools installs `data-files` with a regular install, but its editable install asks the
distribution for `has_data()`, a method that does not exist (the method is `has_data_files()`),
and so skips them. This subclass gives it that method.
"""
from setuptools import setup
from setuptools.dist import Distribution


class _Distribution(Distribution):
    def has_data(self):
        return self.has_data_files()


setup(distclass=_Distribution)
