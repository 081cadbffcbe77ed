"""Zendesk organizations (with their organization fields), users, and satisfaction ratings."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from accounts.models import Organization
from contacts.models import SupportUser
from feedback.models import Rating

from .. import links
from ..records import OrganizationRecord, Page, RatingRecord, SupportUserRecord
from ..upsert import upsert
from . import deletions
from .base import PageResult, StreamSpec

RATINGS_OVERLAP = timedelta(hours=1)


class OrganizationStream(StreamSpec):
    name = "zendesk.organizations"
    source = "zendesk"
    model = Organization
    key = "zd_id"
    version = "zd_updated_at"

    def pages(self, client: Any, cursor: str) -> Iterator[Page[OrganizationRecord]]:
        return client.organization_pages(cursor)

    def full_cursor(self) -> str:
        return "0"

    def write(self, page: Page[OrganizationRecord]) -> PageResult:
        keys = (r.zd_id for r in page.records)
        before = deletions.deleted_before(Organization, "zd_id", keys, instance=self.instance)
        written = upsert(
            Organization, page.records, key="zd_id", version="zd_updated_at", instance=self.instance
        )
        if not written:
            return PageResult()
        deletions.record_org_deletions(before, written, page.records)
        relinked = links.link_org_accounts(org_pks=[w.pk for w in written])
        new = [w.key for w in written if w.inserted]
        # Users, tickets and ratings that arrived before their organization.
        links.link_children(links.U_ORG, new, instance=self.instance)
        links.link_children(links.T_ORG, new, instance=self.instance)
        links.link_children(links.R_ORG, new, instance=self.instance)
        # The account behind an org is denormalised onto its tickets and ratings.
        moved = set(new) | set(relinked)
        links.link_children(links.T_ACCOUNT, moved, instance=self.instance)
        links.link_children(links.R_ACCOUNT, moved, instance=self.instance)
        return PageResult.from_written(written)


class UserStream(StreamSpec):
    name = "zendesk.users"
    source = "zendesk"
    model = SupportUser
    key = "zd_id"
    version = "zd_updated_at"

    def pages(self, client: Any, cursor: str) -> Iterator[Page[SupportUserRecord]]:
        return client.user_pages(cursor)

    def write(self, page: Page[SupportUserRecord]) -> PageResult:
        erased = deletions.people_deleted_in_page(SupportUser, "zd_id", page.records, instance=self.instance)
        written = upsert(
            SupportUser,
            page.records,
            key="zd_id",
            version="zd_updated_at",
            links=[links.U_ORG],
            instance=self.instance,
        )
        if not written:
            return PageResult()
        # A privacy deletion happens as the stream sees it, in the page's transaction.
        deletions.erase_people(erased)
        pks = [w.pk for w in written]
        links.link_user_contacts(user_pks=pks)
        new = [w.key for w in written if w.inserted]
        links.link_children(links.T_REQUESTER, new, instance=self.instance)
        links.link_children(links.R_REQUESTER, new, instance=self.instance)
        return PageResult.from_written(written)

    def after_run(self) -> None:
        links.link_orphan_comment_authors()


class RatingStream(StreamSpec):
    """Satisfaction ratings: a start_time window paged with a cursor. At the end of a run the
    window restarts an hour before the newest rating seen (a rating can change: bad -> good)."""

    name = "zendesk.ratings"
    source = "zendesk"
    model = Rating
    key = "zd_id"
    version = "zd_updated_at"

    def pages(self, client: Any, cursor: str) -> Iterator[Page[RatingRecord]]:
        return client.rating_pages(cursor)

    def finish_cursor(self, cursor: str, watermark: datetime | None) -> str:
        start = int((watermark - RATINGS_OVERLAP).timestamp()) if watermark else 0
        return json.dumps({"start_time": max(start, 0), "after": None})

    def write(self, page: Page[RatingRecord]) -> PageResult:
        resolve = [links.R_TICKET, links.R_ORG, links.R_ACCOUNT, links.R_REQUESTER]
        written = upsert(
            Rating, page.records, key="zd_id", version="zd_updated_at", links=resolve, instance=self.instance
        )
        return PageResult.from_written(written)
