"""Running the ``safewalk`` command line in a test: ``main([...])`` with its output captured."""

from __future__ import annotations

import pytest

from walks.cli.main import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Return the exit code, standard output and standard error of ``safewalk ARGS``."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err
