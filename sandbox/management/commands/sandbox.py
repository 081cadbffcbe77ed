"""python manage.py sandbox: serve the Zendesk + Salesforce emulator over HTTPS."""

from __future__ import annotations

import dataclasses
import signal
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sandbox.config import SandboxConfig, parse_rate_limit
from sandbox.instances import GLOBAL
from sandbox.schema import SCHEMAS
from sandbox.server import SandboxServer

DATA_FIELDS = ("tickets", "accounts", "seed")
USAGE = "tickets=N, accounts=N, seed=N or schema=" + "|".join(SCHEMAS)


def parse_instance_data(specs: list[str] | None) -> dict[str, dict[str, Any]]:
    """``["usgov:tickets=500,accounts=10,seed=3,schema=renamed"]`` -> ``{"usgov": {"tickets":
    500, ..., "schema": "renamed"}}``."""
    found: dict[str, dict[str, Any]] = {}
    for spec in specs or ():
        key, sep, rest = spec.partition(":")
        key = key.strip().lower()
        if not sep or not key:
            raise ValueError(f"bad --instance {spec!r}: expected KEY:tickets=N,accounts=N,seed=N")
        values = found.setdefault(key, {})
        for part in filter(None, (p.strip() for p in rest.split(","))):
            name, eq, value = part.partition("=")
            name, value = name.strip().lower(), value.strip()
            if eq and name == "schema" and value in SCHEMAS:
                values[name] = value
            elif eq and name in DATA_FIELDS and value.isdecimal():
                values[name] = int(value)
            else:
                raise ValueError(f"bad --instance entry {part!r}: expected {USAGE}")
    return found


def build_config(options: dict[str, Any]) -> SandboxConfig:
    """The config from settings (credentials, SANDBOX_URL, VAR_DIR, ZENDESK_INSTANCES and the
    instances' variables) and the command's flags."""
    try:
        overrides: dict[str, Any] = {
            "host": options.get("host"),
            "port": options.get("port"),
            "seed": options.get("seed"),
            "accounts": options.get("accounts"),
            "tickets": options.get("tickets"),
            "faults": options.get("faults"),
            "schema": options.get("schema"),
        }
        if options.get("rate_limit") is not None:
            overrides["rate_limit"] = parse_rate_limit(options["rate_limit"])
        config = SandboxConfig.from_django_settings(**overrides)
        data = parse_instance_data(options.get("instance"))
        extra = {i.key: i for i in config.extra_instances}
        unknown = sorted(set(data) - set(extra) - {GLOBAL})
        if unknown:
            known = ", ".join(i.key for i in config.instances)
            raise ValueError(f"--instance {unknown[0]}: not in ZENDESK_INSTANCES (configured: {known})")
        changes = {k: v for k, v in data.get(GLOBAL, {}).items() if overrides.get(k) is None}
        instances = tuple(dataclasses.replace(i, **data.get(i.key, {})) for i in extra.values())
        return config.replace(extra_instances=instances, **changes)
    except ValueError as exc:
        raise CommandError(str(exc)) from exc


class Command(BaseCommand):
    requires_system_checks: list[str] = []  # needs no database or models
    help = "Serve a local Zendesk + Salesforce API emulator over HTTPS (see docs/sandbox.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", help="address to listen on (default: from SANDBOX_URL)")
        parser.add_argument("--port", type=int, help="port (default: from SANDBOX_URL, else 8443)")
        parser.add_argument("--accounts", type=int, help="Salesforce accounts to generate (default 40)")
        parser.add_argument("--tickets", type=int, help="Zendesk tickets to generate (default 2000)")
        parser.add_argument("--seed", type=int, help="generator seed: same seed, same data (default 1)")
        parser.add_argument("--faults", type=float, help="share of API requests that fail (0..1, default 0)")
        parser.add_argument(
            "--rate-limit",
            dest="rate_limit",
            help="budgets like 'incremental=10/60,default=700/60' (count/seconds)",
        )
        parser.add_argument(
            "--schema",
            choices=SCHEMAS,
            help="custom field names: 'default', or 'renamed' as another company's org has them",
        )
        parser.add_argument(
            "--instance",
            action="append",
            metavar="KEY:tickets=N,accounts=N,seed=N,schema=NAME",
            help="data of a Zendesk instance of ZENDESK_INSTANCES (repeatable; accounts: those only "
            "it has an org for; default a quarter of the tickets, a fifth of the accounts; schema: "
            "its own custom field names, default --schema)",
        )
        parser.add_argument("--quiet", action="store_true", help="no access log")

    def handle(self, *args: Any, **options: Any) -> None:
        config = build_config(options)
        started = time.perf_counter()
        try:
            server = SandboxServer(config, access_log=not options["quiet"])
        except OSError as exc:
            raise CommandError(f"cannot listen on {config.host}:{config.port}: {exc}") from exc
        state = server.state
        self.stdout.write(
            f"Sandbox on {server.url} (Zendesk /api/v2, Salesforce /services, control /_sandbox)\n"
            f"  data: seed {config.seed}, {len(state.world.accounts)} accounts, "
            f"{len(state.world.orgs)} orgs, {config.tickets} tickets, "
            f"built in {(time.perf_counter() - started) * 1000:.0f} ms\n"
            f"  CA: {server.ca_path}\n"
            f"  field names: {config.schema}, faults: {config.faults}, "
            f"rate limits: {config.rate_limit or 'off'}\n"
            "  webhooks: none until installed through the API (manage.py zendesk_webhook install)"
        )
        if len(server.instances) > 1:
            for inst in server.instances.values():
                c, w = inst.config, inst.state.world
                self.stdout.write(
                    f"  Zendesk {inst.key}: {c.zendesk_subdomain}, {c.zendesk_email}, seed {c.seed}, "
                    f"{len(w.orgs)} orgs, {c.tickets} tickets, field names: {c.schema}"
                )

        def stop(*_: Any) -> None:
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, stop)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.stop()
