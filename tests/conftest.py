"""Shared test set-up: Qt offscreen, fixture paths."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
#: ../shared beside the project: some fixtures are read only from there, never committed
SHARED = ROOT.parent / "shared"
PUBLISHED = SHARED / "fixtures" / "published"


@pytest.fixture
def shared_published() -> Path:
    if not PUBLISHED.is_dir():
        pytest.skip("../shared/fixtures/published is absent (read-only fixtures are not committed)")
    return PUBLISHED
