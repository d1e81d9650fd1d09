"""`python -m tests.manage <command>`: manage.py with the test suite's environment,
for the quality gates of bin/test (check, makemigrations --check)."""

from __future__ import annotations

import sys

import tests.env_defaults  # noqa: F401  (sets the environment before Django reads it)

if __name__ == "__main__":
    from django.core.management import execute_from_command_line

    execute_from_command_line(["manage.py", *sys.argv[1:]])
