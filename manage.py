#!/usr/bin/env python
"""Django's command-line utility for the CSM Portal."""

import os
import sys

# Commands of the demo: without the demo's environment they say what to set, not a traceback.
DEMO_COMMANDS = {"sandbox", "sandbox_ticket", "seed_demo", "demo_totp_code"}
DEMO_HINT = (
    "manage.py {command} belongs to the demo: run it with the demo's environment, as `make run` "
    "does: DEBUG=true DEMO=true SANDBOX=true python manage.py {command} ...{make}\n"
)


def settings_problem(argv: list[str], problem: Exception) -> str:
    """What to tell a person whose environment does not make valid settings."""
    command = argv[1] if len(argv) > 1 else ""
    make = " (or simply `make ticket`)" if command == "sandbox_ticket" else ""
    return f"The portal's settings are incomplete: {problem}\n" + DEMO_HINT.format(command=command, make=make)


def demo_settings_check(argv: list[str]) -> None:
    """Load the settings of a demo command first, to say what is missing in words."""
    if len(argv) < 2 or argv[1] not in DEMO_COMMANDS or any(a.startswith("--settings") for a in argv):
        return
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        settings.INSTALLED_APPS  # noqa: B018 (loads them)
    except ImproperlyConfigured as problem:
        sys.stderr.write(settings_problem(argv, problem))
        sys.exit(1)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csmportal.settings")
    from django.core.management import execute_from_command_line

    demo_settings_check(sys.argv)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
