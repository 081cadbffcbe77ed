"""Recompute the best-practice review and SLA of stored tickets (e.g. after the rules change).

python manage.py tickets_review            # tickets never reviewed
python manage.py tickets_review --all      # every ticket
python manage.py tickets_review --account 42
"""

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from csmportal.statistics import refresh_statistics
from tickets.models import Ticket, TicketGap
from tickets.services import ticket_reviews_refresh


class Command(BaseCommand):
    help = "Recompute tickets' best-practice review and first-reply SLA, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--all", action="store_true", help="Every ticket, not only unreviewed ones.")
        parser.add_argument("--account", type=int, help="Only this account's tickets (portal ID).")
        parser.add_argument("--batch", type=int, default=2000, help="Tickets per batch (default 2000).")

    def handle(self, *args: Any, **options: Any) -> None:
        tickets = Ticket.objects.all()
        if not options["all"]:
            tickets = tickets.filter(quality_checked_at__isnull=True)
        if options["account"]:
            tickets = tickets.filter(account_id=options["account"])
        started = time.monotonic()
        done = last = 0
        while True:  # keyset batches: constant memory, no OFFSET
            ids = list(
                tickets.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[: options["batch"]]
            )
            if not ids:
                break
            done += ticket_reviews_refresh(ticket_ids=ids)
            last = ids[-1]
            if options["verbosity"] > 1:
                self.stdout.write(f"{done} tickets reviewed")
        # A bulk review rewrites every ticket's gaps: the pages that count gaps need the
        # planner to know the table's new size at once.
        refresh_statistics(done, Ticket, TicketGap)
        seconds = time.monotonic() - started
        rate = done / seconds if seconds else 0
        self.stdout.write(self.style.SUCCESS(f"Reviewed {done} tickets in {seconds:.1f} s ({rate:.0f}/s)."))
