"""The suite's defaults: it runs on two processes (pytest-xdist) unless told otherwise."""

import pytest

WORKERS = 2  # this project's machines have two cores


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config: pytest.Config) -> None:
    """``python -m pytest`` runs the tests on WORKERS processes, each taking the next test as
    it finishes one (xdist's "load": faster here than keeping a file's tests together, which
    leaves one process with the longest browser file). ``-n 0`` (or ``-p no:xdist``) runs them
    in this process, e.g. to see print() output or to use --pdb; ``-n N`` or ``--dist MODE``
    choose otherwise. Set here rather than in addopts, where ``-n`` would be an error under
    ``-p no:xdist``."""
    if not config.pluginmanager.hasplugin("xdist") or hasattr(config, "workerinput"):
        return  # without xdist, or in one of its workers (which must not start workers again)
    if config.option.numprocesses is None and not config.option.usepdb:
        config.option.numprocesses = WORKERS  # xdist then distributes by "load"
