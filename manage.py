#!/usr/bin/env python
"""Django's command-line utility for the CSM Portal."""

import os
import sys

# Commands of the demo: without the demo's environment they say what to set.
DEMO_COMMANDS = {"sandbox", "sandbox_ticket", "seed_demo", "demo_totp_code"}
DEMO_HINT = (
    "manage.py {command} belongs to the demo: run it with the demo's environment, as `make run` "
    "does: DEBUG=true DEMO=true SANDBOX=true python manage.py {command} ...{make}\n"
)


def settings_problem(argv: list[str], problem: Exception) -> str:
    """What to tell a person whose environment does not make valid settings (no traceback)."""
    command = argv[1] if len(argv) > 1 else ""
    text = f"The portal's settings are incomplete: {problem}\n"
    if command in DEMO_COMMANDS:
        make = " (or simply `make ticket`)" if command == "sandbox_ticket" else ""
        text += DEMO_HINT.format(command=command, make=make)
    return text


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "csmportal.settings")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    explicit = any(arg == "--settings" or arg.startswith("--settings=") for arg in sys.argv)
    if not explicit:  # with --settings, Django loads the named module itself
        try:
            from django.conf import settings

            settings.INSTALLED_APPS  # noqa: B018 (load the settings now, to say what is missing in words)
        except ImproperlyConfigured as problem:
            sys.stderr.write(settings_problem(sys.argv, problem))
            sys.exit(1)
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
