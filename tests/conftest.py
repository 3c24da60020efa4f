"""Plugins for the whole suite."""
from __future__ import annotations

from tests.privacy_scan import PrivacyScan


def pytest_configure(config) -> None:  # noqa: ANN001 - pytest's hook signature
    config.pluginmanager.register(PrivacyScan(), "privacy-scan")


def pytest_collection_modifyitems(items) -> None:  # noqa: ANN001 - pytest's hook signature
    """The files that hold a `long` test go first, in their order, the rest after them in
    theirs: pytest-xdist's loadfile hands out files in this order, so no worker ends the run
    alone on a long test while the other has finished."""
    long_files = {item.path for item in items if item.get_closest_marker("long")}
    items.sort(key=lambda item: item.path not in long_files)  # stable: each file stays whole
