"""Imports flow one way: bot → alerts/ingest/retrieval → storage → core."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
OURS = {"bot", "alerts", "ingest", "retrieval", "storage", "core"}
ALLOWED = {
    "core": {"core"},
    "storage": {"core", "storage"},
    "retrieval": {"core", "retrieval", "ingest"},  # ingest.dates reads "since" dates
    "ingest": {"core", "ingest", "storage"},
    # sentence spans for quotes; topics cleaned like headlines (ingest.clean)
    "alerts": {"core", "alerts", "retrieval", "ingest"},
    "bot": OURS,
}


def imported_packages(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_packages_import_only_what_they_may(package: str) -> None:
    wrong = {
        str(path.relative_to(REPO)): sorted((imported_packages(path) & OURS) - ALLOWED[package])
        for path in (REPO / package).rglob("*.py")
    }
    assert {file: bad for file, bad in wrong.items() if bad} == {}
    if package != "bot":
        assert not any("telegram" in imported_packages(p) for p in (REPO / package).rglob("*.py"))
