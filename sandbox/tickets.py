"""Lazily generated tickets, comments, satisfaction ratings and Salesforce cases.

Nothing per ticket is held in memory: every field comes from (seed, ticket id). A cheap
``timeline`` (a few integer hashes) gives the timestamps and status, so sorted indexes over
a million tickets build in seconds; the text is generated only when a ticket is served.
"""

from __future__ import annotations

from typing import NamedTuple

from . import ids, text
from .data import DAY, World, pick_org
from .ids import ZD_FIELD_REGION, iso_z, mix, pick, rand, rng, sf_id
from .names import CONTACT_TITLES
from .topics import Topic

STATUSES = ("new", "open", "pending", "hold", "solved", "closed", "deleted")
PRIORITIES = ("urgent", "high", "normal", "low")
REGIONS = ("all_regions", "americas_usa", "asia_pacific", "europe_middle_east_africa")
CUSTOM_STATUS = {s: 360_000_100_000 + n for n, s in enumerate(STATUSES)}
# Business hours (UTC, Monday-Friday) a preferred region limits its SLA to.
SF_CASE_STATUS = {
    "new": "New",
    "open": "Working",
    "pending": "Waiting on Customer",
    "hold": "On Hold",
    "solved": "Closed",
    "closed": "Closed",
    "deleted": "Closed",
}
SF_CASE_PRIORITY = {"urgent": "Urgent", "high": "High", "normal": "Medium", "low": "Low", None: "Medium"}


POOL_SIZE = 2048
QUALITY_SALT = {"exemplary": 0, "good": 1, "fair": 2, "poor": 3}
SENTINELS = {
    "first": "\x1aF\x1a",
    "last": "\x1aL\x1a",
    "company": "\x1aC\x1a",
    "domain": "\x1aD\x1a",
    "title": "\x1aT\x1a",
    "seats": "\x1aS\x1a",
    "logdate": "\x1aY\x1a",
}


class Timeline(NamedTuple):
    created: int
    updated: int  # generated_timestamp of the untouched ticket
    solved: int | None
    status: str


class Skeleton(NamedTuple):
    id: int
    timeline: Timeline
    priority: str | None
    region: str | None
    org: dict
    quality: str
    comments: int  # comments after the description
    rating: str | None  # good, bad, offered or None
    has_case: bool


class TicketFactory:
    def __init__(self, world: World) -> None:
        self.w = world
        self.seed = world.config.seed
        self.count = world.config.tickets
        self.base_url = world.base_url
        span = world.anchor - world.start
        self.slot = span / max(self.count, 1)
        self._pool: dict[tuple[str, int], tuple] = {}

    # -- cheap parts ---------------------------------------------------------------------
    def timeline(self, i: int) -> Timeline:
        h1 = mix(self.seed, ids.S_TICKET, i)
        h2 = mix(self.seed, ids.S_TIME, i)
        anchor = self.w.anchor
        created = self.w.start + int((i - 1) * self.slot) + int((h1 & 0xFFFF) / 65536 * self.slot * 0.9)
        age = anchor - created
        u = ((h1 >> 16) & 0xFFFF) / 65536
        frac = ((h2 >> 20) & 0xFFFF) / 65536
        if (h1 >> 32) & 0xFF < 5:
            status = "deleted"
        elif age > 28 * DAY:
            status = (
                "closed"
                if u < 0.85
                else "solved"
                if u < 0.92
                else "open"
                if u < 0.96
                else "pending"
                if u < 0.98
                else "hold"
            )
        elif age > 7 * DAY:
            status = (
                "solved"
                if u < 0.45
                else "closed"
                if u < 0.6
                else "open"
                if u < 0.78
                else "pending"
                if u < 0.9
                else "hold"
            )
        else:
            status = (
                "new"
                if u < 0.2
                else "open"
                if u < 0.55
                else "pending"
                if u < 0.75
                else "hold"
                if u < 0.8
                else "solved"
            )
        solved = None
        if status in ("solved", "closed"):
            resolve = 1800 + int(((h2 & 0xFFFFF) / 0x100000) ** 2 * 20 * DAY)
            latest = anchor - (4 * DAY + 3600 if status == "closed" else 0)
            solved = min(created + resolve, max(created + 600, latest))
            updated = solved + 4 * DAY + (h2 >> 40) % 7200 if status == "closed" else solved
        elif status == "new":
            updated = created + (h2 >> 40) % 600
        else:
            updated = created + int(age * frac)
        return Timeline(created, min(updated, anchor), solved, status)

    def skeleton(self, i: int) -> Skeleton:
        tl = self.timeline(i)
        h1 = mix(self.seed, ids.S_TICKET, i)
        h3 = mix(self.seed, ids.S_RATING, i)
        p = (h1 >> 40) & 0xFF
        priority = (
            "urgent" if p < 20 else "high" if p < 76 else "normal" if p < 191 else "low" if p < 235 else None
        )
        g = (h1 >> 48) & 0xFF
        region = (
            REGIONS[0]
            if g < 102
            else REGIONS[1]
            if g < 166
            else REGIONS[3]
            if g < 217
            else REGIONS[2]
            if g < 248
            else None
        )
        q = h3 & 0xFF
        quality = "exemplary" if q < 51 else "good" if q < 128 else "fair" if q < 192 else "poor"
        c = (h3 >> 8) & 0xFF
        status = tl.status
        if status == "new":
            n = 0
        elif status == "open":
            n = (0, 2, 2, 4)[c % 4]
        else:
            n = (1, 1, 3, 3, 5)[c % 5]
        rating = None
        if status in ("solved", "closed") and (h3 >> 16) & 0xFF < 90:
            s = (h3 >> 24) & 0xFF
            rating = "good" if s < 192 else "bad" if s < 243 else "offered"
        has_case = (h3 >> 32) & 0xFF < 225
        return Skeleton(i, tl, priority, region, pick_org(self.w, h3 >> 40), quality, n, rating, has_case)

    def comment_times(self, sk: Skeleton) -> list[int]:
        tl = sk.timeline
        end = tl.solved if tl.solved is not None else tl.updated
        n = sk.comments
        return [tl.created] + [tl.created + (end - tl.created) * k // (n + 1) + 60 for k in range(1, n + 1)]

    # -- full records ----------------------------------------------------------------------
    def _people(self, sk: Skeleton) -> tuple[int, dict, int | None]:
        """(64 random bits for the text, requester, assignee id)."""
        w = self.w
        h = mix(self.seed, ids.S_TEXT, sk.id)
        members = w.org_members[sk.org["id"]]
        requester = w.user_by_id[members[h % len(members)]]
        assignee = None if sk.timeline.status == "new" else w.agents[(h >> 20) % len(w.agents)]
        return h, requester, assignee

    def _compose(self, sk: Skeleton, h: int, requester: dict) -> tuple[str, str, Topic, list[str]]:
        """Subject, description, topic and traits: a pooled text with this ticket's people in it.

        Composing text per ticket is the slow part of serving an export page, so each quality
        has POOL_SIZE texts (made on first use, deterministic) with placeholders for the
        requester, company and dates.
        """
        index = (h >> 40) % POOL_SIZE
        entry = self._pool.get((sk.quality, index)) or self._pooled(sk.quality, index)
        subject, parts, topic, traits = entry
        if len(parts) == 1:
            return subject, parts[0], topic, traits
        first, _, last = requester["name"].partition(" ")
        values = {
            "F": first,
            "L": last,
            "C": sk.org["name"],
            "D": sk.org["domain_names"][0],
            "T": "",
            "S": "",
            "Y": "",
        }
        if "T" in parts:
            contact = self.w.contact_by_email.get((requester["email"] or "").lower())
            values["T"] = (contact or {}).get("Title") or CONTACT_TITLES[sk.id % 4]
        if "S" in parts:
            values["S"] = str(self.w.org_seats[sk.org["id"]])
        if "Y" in parts:
            values["Y"] = iso_z(sk.timeline.created - 3600)[:11]
        out = parts[:]
        for n in range(1, len(out), 2):
            out[n] = values[out[n]]
        return subject, "".join(out), topic, traits

    def _pooled(self, quality: str, index: int) -> tuple:
        r = rng(self.seed, ids.S_TEXT + 100 + QUALITY_SALT[quality], index)
        subject, description, topic, traits = text.compose(r, quality, dict(SENTINELS))
        entry = (subject, description.split("\x1a"), topic, traits)
        self._pool[(quality, index)] = entry
        return entry

    def warm(self) -> None:
        """Compose every pooled text now (large datasets: keeps the first pages fast)."""
        for quality in QUALITY_SALT:
            for index in range(POOL_SIZE):
                if (quality, index) not in self._pool:
                    self._pooled(quality, index)

    def ticket(self, i: int) -> dict:
        sk = self.skeleton(i)
        h, requester, assignee = self._people(sk)
        subject, description, topic, _traits = self._compose(sk, h, requester)
        tl = sk.timeline
        fields = [{"id": ZD_FIELD_REGION, "value": sk.region}]
        if sk.rating is None:
            satisfaction = {"score": "unoffered"}
        elif sk.rating == "offered":
            satisfaction = {"score": "offered"}
        else:
            rated = self.rating(sk, (requester, assignee))
            satisfaction = {
                "score": rated["score"],
                "id": rated["id"],
                "comment": rated["comment"],
                "reason": rated["reason"],
                "reason_id": rated["reason_id"],
            }
        tags = [topic.name, sk.org["organization_fields"].get("support_level") or "unknown_plan"]
        return {
            "url": f"{self.base_url}/api/v2/tickets/{i}.json",
            "id": i,
            "external_id": None,
            "via": {"channel": ("web", "email", "api")[i % 3], "source": {"from": {}, "to": {}, "rel": None}},
            "created_at": iso_z(tl.created),
            "updated_at": iso_z(tl.updated),
            "generated_timestamp": tl.updated,
            "type": ("incident", "question", "problem", "task", None)[(i >> 2) % 5],
            "subject": subject,
            "raw_subject": subject,
            "description": description,
            "priority": sk.priority,
            "status": tl.status,
            "recipient": None,
            "requester_id": requester["id"],
            "submitter_id": requester["id"],
            "assignee_id": assignee,
            "organization_id": sk.org["id"],
            "group_id": ids.ZD_GROUP_SUPPORT if assignee else None,
            "collaborator_ids": [],
            "follower_ids": [],
            "email_cc_ids": [],
            "forum_topic_id": None,
            "problem_id": None,
            "has_incidents": False,
            "is_public": True,
            "due_at": None,
            "tags": tags,
            "custom_fields": fields,
            "satisfaction_rating": satisfaction,
            "sharing_agreement_ids": [],
            "custom_status_id": CUSTOM_STATUS[tl.status],
            "fields": fields,
            "followup_ids": [],
            "ticket_form_id": ids.ZD_FORM,
            "brand_id": ids.ZD_BRAND,
            "allow_channelback": False,
            "allow_attachments": True,
            "from_messaging_channel": False,
        }

    def comments(self, i: int) -> list[dict]:
        sk = self.skeleton(i)
        h, requester, assignee = self._people(sk)
        _subject, description, topic, _traits = self._compose(sk, h, requester)
        rc = rng(self.seed, ids.S_COMMENT, i)
        times = self.comment_times(sk)
        files = text.attachment_names(topic, sk.quality, rc)
        out = [self._comment(i, 0, requester["id"], description, True, times[0], files, rc)]
        agent = assignee or self.w.agents[0]
        status = sk.timeline.status
        for k in range(1, sk.comments + 1):
            last = k == sk.comments
            if k % 2:  # agent
                asks = (last and status == "pending") or (not last and rc.random() < 0.5)
                if last and status in ("solved", "closed"):
                    asks = False
                body = text.agent_comment(topic, rc, asks)
                public = last or k == 1 or rc.random() > 0.15
                if not public:
                    body = "Internal note: " + pick(
                        rc,
                        (
                            "escalated to engineering.",
                            "checked logs, looks like a known bug.",
                            "customer is on an old version.",
                            "waiting on the dev team.",
                        ),
                    )
                out.append(self._comment(i, k, agent, body, public, times[k], [], rc))
            else:
                body = text.customer_reply(rc)
                extra = [pick(rc, topic.log_files)] if "logs" in body or "output" in body else []
                out.append(self._comment(i, k, requester["id"], body, True, times[k], extra, rc))
        return out

    def _comment(
        self, i: int, k: int, author: int, body: str, public: bool, ts: int, files: list, rc
    ) -> dict:
        cid = ids.ZD_COMMENT_BASE + i * 16 + k
        attachments = []
        for n, (name, ctype) in enumerate(files):
            aid = ids.ZD_ATTACHMENT_BASE + i * 64 + k * 4 + n
            token = f"{mix(self.seed, 99, aid) & 0xFFFFFFFFFFFF:012x}"
            content = f"{self.base_url}/attachments/token/{token}/?name={name.replace(' ', '%20')}"
            attachments.append(
                {
                    "url": f"{self.base_url}/api/v2/attachments/{aid}.json",
                    "id": aid,
                    "file_name": name,
                    "content_url": content,
                    "mapped_content_url": content,
                    "content_type": ctype,
                    "size": rand(rc, 2_000, 4_000_000),
                    "width": None,
                    "height": None,
                    "inline": False,
                    "deleted": False,
                    "malware_access_override": False,
                    "malware_scan_result": "malware_not_found",
                    "thumbnails": [],
                }
            )
        html = (
            '<div class="zd-comment" dir="auto">'
            + "".join(f'<p dir="auto">{_escape(p)}</p>' for p in body.split("\n\n"))
            + "</div>"
        )
        return {
            "id": cid,
            "type": "Comment",
            "author_id": author,
            "body": body,
            "html_body": html,
            "plain_body": body,
            "public": public,
            "attachments": attachments,
            "audit_id": ids.ZD_AUDIT_BASE + i * 16 + k,
            "via": {"channel": "web", "source": {"from": {}, "to": {}, "rel": None}},
            "created_at": iso_z(ts),
            "metadata": {"system": {}, "custom": {}},
        }

    def rating(self, sk: Skeleton, people: tuple | None = None) -> dict:
        h = mix(self.seed, ids.S_RATING + 50, sk.id)
        at = self.rating_time(sk)
        requester, assignee = people or self._people(sk)[1:]
        reason = (0, "No reason provided")
        comment = ""
        if sk.rating == "good":
            comment = text.GOOD_COMMENTS[(h >> 20) % len(text.GOOD_COMMENTS)]
        elif sk.rating == "bad":
            comment = text.BAD_COMMENTS[(h >> 20) % len(text.BAD_COMMENTS)]
            reason = text.BAD_REASONS[(h >> 30) % len(text.BAD_REASONS)]
        rid = ids.ZD_RATING_BASE + sk.id
        return {
            "url": f"{self.base_url}/api/v2/satisfaction_ratings/{rid}.json",
            "id": rid,
            "assignee_id": assignee,
            "group_id": ids.ZD_GROUP_SUPPORT,
            "requester_id": requester["id"],
            "ticket_id": sk.id,
            "organization_id": sk.org["id"],
            "score": sk.rating,
            "comment": comment,
            "reason": reason[1],
            "reason_code": reason[0],
            "reason_id": None if not reason[0] else 360_000_200_000 + reason[0],
            "created_at": iso_z(at),
            "updated_at": iso_z(at),
        }

    def rating_time(self, sk: Skeleton) -> int:
        h = mix(self.seed, ids.S_RATING + 50, sk.id)
        tl = sk.timeline
        return min(
            (tl.solved or tl.updated) + 600 + (h & 0xFFFFF) % (2 * DAY - 600),
            self.w.anchor,
            tl.updated if tl.status != "solved" else self.w.anchor,
        )

    def case(self, i: int, with_subject: bool = True) -> dict:
        """The Salesforce Case mirroring ticket ``i`` (typed values)."""
        sk = self.skeleton(i)
        h, requester, _assignee = self._people(sk)
        subject = self._compose(sk, h, requester)[0] if with_subject else None
        contact = self.w.contact_by_email.get((requester["email"] or "").lower())
        tl = sk.timeline
        return {
            "Id": sf_id("500", i),
            "CaseNumber": f"{i:08d}",
            "AccountId": self.w.org_account.get(sk.org["id"]),
            "ContactId": contact["Id"] if contact else None,
            "Subject": subject,
            "Status": SF_CASE_STATUS[tl.status],
            "Priority": SF_CASE_PRIORITY[sk.priority],
            "Origin": "Zendesk",
            "Zendesk_Ticket_ID__c": float(i),
            "CreatedDate": tl.created + 120,
            "SystemModstamp": tl.updated + 300,
        }


def _escape(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br>")
