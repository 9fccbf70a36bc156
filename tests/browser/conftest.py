"""Every test here drives Debian's Chromium or runs Java (the Nu HTML checker): marked
`browser`, so `pytest -m "not browser"` runs on a machine with Python alone."""
import pytest


def pytest_collection_modifyitems(items):
    for item in items:
        if "/tests/browser/" in str(item.path):
            item.add_marker(pytest.mark.browser)
