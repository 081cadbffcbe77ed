"""``python manage.py sync [--stream NAME ...] [--instance KEY ...] [--full] [--wait-for-source SECONDS]``

Runs streams in the foreground (parents first), with a progress bar per stream and a summary
table; exits 1 when a stream fails, saying why (the other streams still run). Unlike a
worker, it waits out rate limits. A Zendesk stream runs for every configured instance
(``zendesk.tickets``, ``zendesk.tickets@usgov`` ...) unless ``--instance`` names some.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from csmportal import instances
from integrations.errors import SyncError
from integrations.models import RunStatus, SyncRun
from integrations.runner import Progress, StreamBusy, make_client, run_stream
from integrations.streams import ORDER, all_streams, split_key

STREAM_NAMES = [spec.name for spec in ORDER]
SOURCES = ("zendesk", "salesforce")


def pick_streams(names: list[str] | None, only: list[str] | None = None) -> list[str]:
    """Stream keys, in dependency order, from stream names (``zendesk.tickets``: every
    instance's), keys (``zendesk.tickets@usgov``) or a whole source (``zendesk``,
    ``salesforce``); ``only``: the Zendesk streams of these instances."""
    configured = instances.keys()
    unknown = [key for key in only or () if key not in configured]
    if unknown:
        raise CommandError(f"Unknown Zendesk instance {unknown[0]!r}. Instances: {', '.join(configured)}.")
    everything = [
        spec for spec in all_streams() if spec.source != "zendesk" or not only or spec.instance in only
    ]
    keys = [spec.stream for spec in everything]
    if not names:
        return keys
    wanted: set[str] = set()
    for name in names:
        if name in SOURCES:
            wanted.update(spec.stream for spec in everything if spec.source == name)
        elif name in STREAM_NAMES:
            wanted.update(spec.stream for spec in everything if spec.name == name)
        elif name in keys:
            wanted.add(name)
        else:
            raise CommandError(
                f"Unknown stream {name!r}. Streams: {', '.join(keys)} (or zendesk, salesforce)."
            )
    return [key for key in keys if key in wanted]


class Command(BaseCommand):
    verbosity = 1
    help = "Mirror Zendesk and Salesforce into the portal's database, in the foreground."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--stream",
            action="append",
            metavar="NAME",
            help=f"Stream to run (repeatable; default: all). One of: {', '.join(STREAM_NAMES)} (a "
            "Zendesk one for every instance, or one instance's as NAME@INSTANCE); or zendesk / "
            "salesforce for all of a source's streams.",
        )
        parser.add_argument(
            "--instance",
            action="append",
            metavar="KEY",
            help="Run the Zendesk streams of this instance only (repeatable; default: every instance).",
        )
        parser.add_argument(
            "--full", action="store_true", help="Read everything again from the start (never deletes)."
        )
        parser.add_argument(
            "--wait-for-source",
            type=float,
            default=0,
            metavar="SECONDS",
            help="Wait up to this long for Zendesk/Salesforce to answer before starting (e.g. the "
            "sandbox starting beside the portal).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bars.")

    def handle(self, *args: Any, **options: Any) -> None:
        streams = pick_streams(options["stream"], options["instance"])
        self.verbosity = options["verbosity"]
        progress = not options["no_progress"] and options["verbosity"] > 0
        if options["wait_for_source"]:
            self.wait_for_sources(streams, options["wait_for_source"])
        results: list[tuple[str, SyncRun | None, str]] = []
        for stream in streams:
            results.append(self.run_one(stream, full=options["full"], progress=progress))
        self.summary(results)
        failed = [(s, why) for s, run, why in results if run is None or run.status != RunStatus.SUCCEEDED]
        if failed:
            reasons = "; ".join(f"{s}: {why}" for s, why in failed)
            raise CommandError(f"{len(failed)} of {len(results)} streams did not complete. {reasons}")

    def wait_for_sources(self, streams: list[str], seconds: float) -> None:
        sources = []  # (source, instance), each once, in order
        for key in streams:
            name, instance = split_key(key)
            source = name.split(".", 1)[0]
            if (source, instance) not in sources:
                sources.append((source, instance))
        deadline = time.monotonic() + seconds
        for source, instance in sources:
            what = source if source == "salesforce" or not instances.is_multi() else f"{source} ({instance})"
            while True:
                try:
                    make_client(source, may_wait=True, instance=instance).ping()
                    break
                except SyncError as exc:
                    if time.monotonic() >= deadline:
                        raise CommandError(f"{what} did not answer within {seconds:g}s: {exc}") from exc
                    time.sleep(1)
            if self.verbosity:
                self.stderr.write(f"{what} is answering.")

    def run_one(self, stream: str, *, full: bool, progress: bool) -> tuple[str, SyncRun | None, str]:
        out: Any = self.stderr._out
        bars = progress and out.isatty()  # no bars in a log (honcho, cron): a line per stream
        if progress and not bars:
            self.stderr.write(f"sync {stream} ...")
        bar = tqdm(desc=f"{stream:<22}", unit=" rec", disable=not bars, file=out, leave=True)

        def on_page(p: Progress) -> None:
            if p.run.expected and bar.total != p.run.expected:
                bar.total = p.run.expected
            bar.update(len(p.page.records))
            bar.set_postfix(
                created=p.run.created, updated=p.run.updated, deleted=p.run.deleted, refresh=False
            )

        try:
            run = run_stream(stream, full=full, trigger="command", may_wait=True, on_page=on_page)
            return stream, run, ""
        except StreamBusy:
            return stream, None, "already running elsewhere (single flight); not started"
        except SyncError as exc:
            return stream, self.last_run(stream), str(exc)
        except KeyboardInterrupt:
            bar.close()
            raise CommandError("Interrupted; every page saved so far is kept.", returncode=130) from None
        finally:
            bar.close()

    @staticmethod
    def last_run(stream: str) -> SyncRun | None:
        return SyncRun.objects.filter(stream=stream).order_by("-started_at").first()

    def summary(self, results: list[tuple[str, SyncRun | None, str]]) -> None:
        header = ("stream", "status", "fetched", "created", "updated", "deleted", "seconds")
        rows: list[tuple[Any, ...]] = []
        for stream, run, _why in results:
            if run is None:
                rows.append((stream, "skipped", "-", "-", "-", "-", "-"))
                continue
            seconds = f"{run.seconds:.1f}" if run.seconds is not None else "-"
            rows.append((stream, run.status, run.fetched, run.created, run.updated, run.deleted, seconds))
        widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

        def line(values: tuple[Any, ...]) -> str:
            cells = [
                str(v).ljust(w) if i < 2 else str(v).rjust(w)
                for i, (v, w) in enumerate(zip(values, widths, strict=True))
            ]
            return "  ".join(cells)

        self.stdout.write(line(header))
        self.stdout.write("  ".join("-" * w for w in widths))
        for row in rows:
            self.stdout.write(line(row))
        for stream, _run, why in results:
            if why:
                self.stdout.write(self.style.ERROR(f"{stream}: {why}"))
