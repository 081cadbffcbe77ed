"""`make run` keeps its data in SQLite; CI and production use PostgreSQL. Some pages write their
own SQL for PostgreSQL (the portfolio, the home page, the feedback queue's counts, the cadence
page's cache) and keep an ORM path for other databases. A page that works only on PostgreSQL
would pass every other test and fail in the demo, so the access matrix, which opens every page
as every persona, runs once more here on SQLite."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_page_answers_as_the_matrix_says_on_the_demos_database():
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_") and k != "REQUIRE_SERVICES"}
    env["DATABASE_URL"] = "sqlite:///:memory:"
    matrix = "tests/hardening/test_access_matrix.py"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", matrix]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
