"""Plugins for the whole suite."""
from __future__ import annotations

from tests.privacy_scan import PrivacyScan


def pytest_configure(config) -> None:  # noqa: ANN001 - pytest's hook signature
    config.pluginmanager.register(PrivacyScan(), "privacy-scan")
