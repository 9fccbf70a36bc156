"""Shared fixtures: small sites written inline into tmp_path."""
from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
FIXTURE = TESTS / "fixture_site"    # the small site of the golden tree (tests/golden/)

CONFIG = """\
[site]
title = "Test minutes"
base_url = "https://example.org/minutes/"
language = "nl"
search = false      # indexing costs ~0.4 s a build; the search tests turn it on

[bodies.lrt]
name = "Landelijke Regietafel"
short = "LRT"

[bodies.board]
name = "Board"
short = "Board"
language = "en"

[organisations]
JenV = "Ministerie van Justitie en Veiligheid"
IPO = "Interprovinciaal Overleg"
VNG = "Vereniging van Nederlandse Gemeenten"
MBZK = "Minister van Binnenlandse Zaken"
SZW = "Ministerie van Sociale Zaken en Werkgelegenheid"
"""


def pytest_addoption(parser):
    parser.addoption("--regen-golden", action="store_true",
                     help="rewrite tests/golden/ from the fixture site (review the diff!)")


def write_site(root: Path, files: dict[str, str], config: str = CONFIG) -> Path:
    """A site folder with config.toml and the given files; returns the config path."""
    (root / "content").mkdir(parents=True, exist_ok=True)
    (root / "config.toml").write_text(config, encoding="utf-8")
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return root / "config.toml"


@pytest.fixture
def site(tmp_path):
    """Call site({...files}) to write a site into tmp_path; returns the config path."""
    return lambda files, config=CONFIG: write_site(tmp_path, files, config)


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` by its relative path: for comparing whole outputs."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def copy_fixture(tmp_path: Path) -> Path:
    """A copy of the fixture site in tmp_path (builds never write into tests/)."""
    shutil.copytree(FIXTURE, tmp_path / "site", ignore=shutil.ignore_patterns(".cache", "output*"))
    return tmp_path / "site" / "config.toml"
