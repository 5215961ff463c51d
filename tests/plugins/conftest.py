"""Fixtures for plugin tests: the example plugin installed by pip into a throwaway site
directory (never into the real environment), visible to one test at a time."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .support import EXAMPLE, on_path


@pytest.fixture(scope="session")
def mylab_site(tmp_path_factory) -> Path:
    """The example plugin, installed with pip (no dependencies, no build isolation) into a
    private site directory.  A copy of the source is built, so no build/ or egg-info
    litter appears in the repository."""
    root = tmp_path_factory.mktemp("mylab")
    src = root / "src"
    shutil.copytree(EXAMPLE, src, ignore=shutil.ignore_patterns(
        "build", "*.egg-info", "__pycache__", "tests"))
    site = root / "site"
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
           "--no-build-isolation", "--no-index", "--disable-pip-version-check",
           "--target", str(site), str(src)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail("pip could not install examples/plugin (the test extra needs setuptools "
                    f"and wheel):\n{done.stdout}\n{done.stderr}")
    return site


@pytest.fixture
def mylab(mylab_site):
    """The example plugin visible to this process."""
    with on_path(mylab_site):
        yield mylab_site
