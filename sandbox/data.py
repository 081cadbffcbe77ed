"""Deterministic generator of the small, materialised part of the sandbox's world.

Accounts, contacts and Salesforce users; Zendesk organizations, end users and agents. All
of it comes from (seed, index) streams, so the same config gives the same data. Tickets,
comments, ratings and cases are generated lazily per ticket id in ``tickets.py``.

Salesforce records hold typed values (datetimes as unix seconds, dates as ISO strings);
``salesforce.py`` formats them. Zendesk records are JSON-ready dicts.
"""

from __future__ import annotations

import bisect
import math
import random
from dataclasses import dataclass, field

from . import ids
from .config import SandboxConfig
from .ids import iso_z, mix, rng, sf_id
from .names import (
    AGENT_TITLES,
    CONTACT_TITLES,
    LEGAL_BY_REGION,
    TLD_BY_REGION,
    company_name,
    email_local,
    person,
    vary_case,
)

DAY = 86400
REGIONS = ("AMER", "EMEA", "APAC")
PLANS = ("Basic", "Standard", "Priority")
PRICE = {"Basic": 120.0, "Standard": 348.0, "Priority": 1188.0}
DEMO_CSMS = (("Demo", "CSM", "csm@example.com"), ("Second", "CSM", "csm2@example.com"))


def forced_slot(seed: int, index: int) -> int:
    """Among the first 20 accounts, slots 3, 5, 9, 11, 13, 15 and 17 get a given data problem."""
    return (index + seed) % 20 if index < 20 else -1


def _weighted(r: random.Random, options: tuple, weights: tuple):
    return r.choices(options, weights)[0]


@dataclass
class World:
    """The generated Salesforce and Zendesk records (mutable: the sandbox's live data)."""

    config: SandboxConfig
    base_url: str
    anchor: int = 0
    start: int = 0
    sf_users: list[dict] = field(default_factory=list)
    accounts: list[dict] = field(default_factory=list)
    contacts: list[dict] = field(default_factory=list)
    orgs: list[dict] = field(default_factory=list)
    users: list[dict] = field(default_factory=list)
    agents: list[int] = field(default_factory=list)
    org_members: dict[int, list[int]] = field(default_factory=dict)
    # Cumulative ticket weights over ``orgs`` (tickets pick an org by weight).
    org_weights: list[float] = field(default_factory=list)
    # The collaboration project id support ops would confirm for each org (for tests).
    true_am_project_id: dict[int, str] = field(default_factory=dict)
    contact_by_email: dict[str, dict] = field(default_factory=dict)
    org_account: dict[int, str | None] = field(default_factory=dict)
    org_seats: dict[int, int] = field(default_factory=dict)
    org_by_id: dict[int, dict] = field(default_factory=dict)
    user_by_id: dict[int, dict] = field(default_factory=dict)

    def org_url(self, org_id: int) -> str:
        return f"{self.base_url}/api/v2/organizations/{org_id}.json"

    def user_url(self, user_id: int) -> str:
        return f"{self.base_url}/api/v2/users/{user_id}.json"


def generate_world(config: SandboxConfig, base_url: str) -> World:
    w = World(config=config, base_url=base_url.rstrip("/"))
    w.anchor = config.anchor_ts
    w.start = w.anchor - config.history_days * DAY
    _sf_users(w)
    _accounts(w)
    _orgs(w)
    _agents(w)
    cumulative, total = [], 0.0
    for org in w.orgs:
        members = w.org_members.get(org["id"], [])
        seats = w.org_seats[org["id"]]
        total += (math.log(seats + 1) + 1.0) if members else 0.0
        cumulative.append(total)
    w.org_weights = cumulative
    w.org_by_id = {org["id"]: org for org in w.orgs}
    w.user_by_id = {user["id"]: user for user in w.users}
    return w


def _sf_users(w: World) -> None:
    seed = w.config.seed
    generated = max(3, w.config.accounts // 40)
    people = list(DEMO_CSMS)
    for k in range(generated):
        first, last = person(rng(seed, ids.S_SFUSER, k))
        people.append((first, last, f"{first}.{last}".lower().replace("'", "") + f"{k}@example.com"))
    for n, (first, last, email) in enumerate(people):
        inactive = n == len(people) - 1 and generated >= 3
        w.sf_users.append(
            {
                "Id": sf_id("005", n + 1),
                "Name": f"{first} {last}",
                "Email": email,
                "IsActive": not inactive,
                "Title": "Customer Success Manager" if n % 3 else "Senior Customer Success Manager",
                "SystemModstamp": w.anchor - (n * 7919) % (200 * DAY),
                "_csm": True,
            }
        )
    for n, (name, title) in enumerate(
        (
            ("Sam Support-Manager", "Support Manager"),
            ("Integration User", "Integration"),
            ("Alex Account-Executive", "Account Executive"),
        )
    ):
        w.sf_users.append(
            {
                "Id": sf_id("005", len(people) + n + 1),
                "Name": name,
                "Email": name.split()[0].lower() + f".{n}@example.com",
                "IsActive": True,
                "Title": title,
                "SystemModstamp": w.anchor - (n + 3) * 11 * DAY,
                "_csm": False,
            }
        )


def _pick_csm(w: World, r: random.Random) -> str | None:
    if r.random() >= 0.7:
        return None
    csms = [u for u in w.sf_users if u["_csm"]]
    roll = r.random()
    if roll < 0.3:
        return csms[0]["Id"]
    if roll < 0.5:
        return csms[1]["Id"]
    return r.choice(csms[2:])["Id"]


def _accounts(w: World) -> None:
    seed, anchor = w.config.seed, w.anchor
    contact_serial = 0
    for a in range(w.config.accounts):
        r = rng(seed, ids.S_ACCOUNT, a)
        region = _weighted(r, REGIONS, (45, 35, 20))
        stem, domain_stem = company_name(seed, a)
        legal = r.choice(LEGAL_BY_REGION[region])
        domain = domain_stem + r.choice(TLD_BY_REGION[region])
        plan = _weighted(r, PLANS, (25, 45, 30))
        band = r.random()
        seats = (
            r.randrange(5, 50)
            if band < 0.25
            else r.randrange(50, 500)
            if band < 0.8
            else r.randrange(500, 5000)
        )
        created = anchor - r.randrange(400, 5 * 365) * DAY - r.randrange(DAY)
        account = {
            "Id": sf_id("001", a + 1),
            "Name": f"{stem} {legal}".strip(),
            "Type": _weighted(r, ("Customer", "Customer - Channel", "Partner"), (85, 10, 5)),
            "Support_Level__c": plan,
            "Region__c": region,
            "Seats__c": float(seats),
            "ARR__c": round(seats * PRICE[plan] * r.uniform(0.75, 1.0), 2),
            "Renewal_Date__c": ids.sf_date(anchor + r.randrange(-30, 365) * DAY),
            "Health_Score__c": _weighted(r, ("Green", "Yellow", "Red"), (60, 28, 12)),
            "Restricted_Account__c": r.random() < 0.06,
            "Sold_To_Email__c": None,
            "CSM__c": _pick_csm(w, r),
            "CreatedDate": created,
            "SystemModstamp": anchor - r.randrange(0, 120) * DAY - r.randrange(DAY),
            "_domain": domain,
            "_index": a,
            "_contacts": [],
        }
        w.accounts.append(account)
        count = r.randrange(6, 40) if seats >= 50 else r.randrange(2, min(seats, 10) + 1)
        rc = rng(seed, ids.S_CONTACT, a)
        locals_seen: set[str] = set()
        mine = []
        for _ in range(count):
            contact_serial += 1
            first, last = person(rc)
            local = email_local(first, last, rc)
            while local in locals_seen:
                local += str(rc.randrange(10))
            locals_seen.add(local)
            email = vary_case(f"{local}@{domain}", rc)
            c_created = created + rc.randrange(0, 300) * DAY
            contact = {
                "Id": sf_id("003", contact_serial),
                "AccountId": account["Id"],
                "FirstName": first,
                "LastName": last,
                "Email": email,
                "Title": rc.choice(CONTACT_TITLES),
                "Phone": f"+1 555 {rc.randrange(100, 999)} {rc.randrange(1000, 9999)}"
                if rc.random() < 0.7
                else None,
                "CreatedDate": min(c_created, anchor - DAY),
                "SystemModstamp": anchor - rc.randrange(0, 200) * DAY - rc.randrange(DAY),
                "_in_zendesk": rc.random() < 0.8,
            }
            mine.append(contact)
            account["_contacts"].append(contact)
            w.contacts.append(contact)
            w.contact_by_email[email.lower()] = contact
        if r.random() < 0.9 and forced_slot(seed, a) != 3:
            sold_to = r.choice(mine)["Email"]
            account["Sold_To_Email__c"] = vary_case(sold_to.lower(), r) if r.random() < 0.3 else sold_to
        else:
            account["Sold_To_Email__c"] = (
                r.choice(("procurement", "ap", "billing", "it-licensing")) + "@" + domain
            )


def _org_fields(w: World, r: random.Random, index: int, account: dict | None, org_id: int) -> dict:
    seed = w.config.seed
    true_project = str(10_000_000 + mix(seed, ids.S_ORG, index) % 50_000_000)
    w.true_am_project_id[org_id] = true_project
    # Every kind of finding shows up even in a small dataset: a few accounts (by index) are
    # forced into one; the rest is random.
    forced = forced_slot(seed, index) if account is not None else -1
    roll = {5: 0.85, 9: 0.93}.get(forced, r.random())
    if roll < 0.80:
        am_project = true_project
    elif roll < 0.90:
        am_project = None
    elif roll < 0.96:
        am_project = r.choice(
            (
                f"https://gitlab.com/{r.choice(('acme', 'customer', 'collab'))}/support-{index}",
                "TBD",
                f" {true_project} ",
                f"#{true_project}",
                "n/a",
            )
        )
    else:
        am_project = str(10_000_000 + mix(seed, ids.S_ORG, index + 7) % 50_000_000)
    sf = None
    if account is not None:
        roll = {11: 0.95, 13: 0.9, 17: 0.87}.get(forced, r.random())
        if roll < 0.85:
            sf = account["Id"]
        elif roll < 0.89:
            sf = account["Id"][:15]
        elif roll < 0.94:
            sf = None
        elif roll < 0.98 and len(w.accounts) > 1:
            sf = w.accounts[(account["_index"] + 1 + r.randrange(len(w.accounts) - 1)) % len(w.accounts)][
                "Id"
            ]
        else:
            sf = r.choice(("n/a", "0018d00000XXXXXXXX", ""))
    elif r.random() < 0.5:
        sf = sf_id("001", 900_000 + index)  # points to no account
    plan = account["Support_Level__c"] if account else _weighted(r, PLANS, (40, 40, 20))
    region = account["Region__c"] if account else r.choice(REGIONS)
    level = plan.lower() if r.random() < 0.92 else r.choice([p.lower() for p in PLANS if p != plan])
    seats = int(account["Seats__c"]) if account else r.randrange(5, 200)
    cmp_id, developers = None, None
    if (seats >= 50 and r.random() < 0.45) or (seats < 50 and r.random() < 0.02):
        cmp_id = str(20_000_000 + mix(seed, ids.S_ORG, index + 13) % 50_000_000)
        people = account["_contacts"][:12] if account else []
        picks = r.sample(people, min(len(people), r.randrange(1, 6))) if people else []
        lines = [
            f"- {p['Email'].lower()}"
            if r.random() < 0.6
            else f"- @{p['FirstName'].lower()}.{p['LastName'].lower().replace(chr(39), '')}"
            for p in picks
        ]
        developers = "\n".join(lines) or None
    tam = None
    if plan == "Priority" and r.random() < 0.6:
        first, last = person(r)
        tam = f"{first} {last}"
    return {
        "salesforce_id": sf,
        "am_project_id": am_project,
        "cmp_id": cmp_id,
        "cmp_developers": developers,
        "support_level": level,
        "org_region": (region.lower() if r.random() < 0.95 else r.choice(REGIONS).lower()),
        "technical_account_manager": tam,
    }


def _orgs(w: World) -> None:
    seed, anchor = w.config.seed, w.anchor
    extra = max(2, w.config.accounts // 20)
    plan: list[tuple[int, dict | None]] = []
    for a, account in enumerate(w.accounts):
        if rng(seed, ids.S_EXTRA_ORG, a).random() < 0.93 and forced_slot(seed, a) != 15:
            plan.append((a, account))
    for k in range(extra):
        plan.append((w.config.accounts + k, None))
    user_serial = 0
    for n, (index, account) in enumerate(plan):
        r = rng(seed, ids.S_ORG, index)
        org_id = ids.ZD_ORG_BASE + 13 * (n + 1)
        if account is not None:
            name, domain = account["Name"], account["_domain"]
        else:
            stem, dstem = company_name(seed, index)
            name, domain = f"{stem} (trial)" if r.random() < 0.3 else stem, dstem + ".com"
        fields = _org_fields(w, r, index, account, org_id)
        created = (
            (account["CreatedDate"] + r.randrange(1, 60) * DAY)
            if account
            else anchor - r.randrange(30, 700) * DAY
        )
        created = min(created, anchor - 2 * DAY)
        updated = min(
            anchor, created + r.randrange(0, max(1, (anchor - created) // DAY)) * DAY + r.randrange(DAY)
        )
        notes = r.choice(
            (
                "",
                "",
                "Prefers email over phone.",
                "Escalations go to the VP Engineering first.",
                "Uses a self-managed instance behind a strict firewall.",
                "Do not share logs outside the EU.",
                "Two instances: production and DR.",
            )
        )
        w.orgs.append(
            {
                "url": w.org_url(org_id),
                "id": org_id,
                "name": name,
                "shared_tickets": False,
                "shared_comments": False,
                "external_id": None,
                "created_at": iso_z(created),
                "updated_at": iso_z(updated),
                "domain_names": [domain],
                "details": (f"{account['Type']}, {int(account['Seats__c'])} seats" if account else ""),
                "notes": notes,
                "group_id": None,
                "tags": sorted({fields["support_level"], fields["org_region"]} - {None}),
                "organization_fields": fields,
            }
        )
        w.org_seats[org_id] = int(account["Seats__c"]) if account else 10
        w.org_account[org_id] = account["Id"] if account else None
        members: list[int] = []
        contacts = account["_contacts"] if account else []
        ru = rng(seed, ids.S_USER, index)
        people = [(c["FirstName"], c["LastName"], c["Email"], c) for c in contacts if c["_in_zendesk"]]
        for _ in range(ru.randrange(0, 3) if contacts else ru.randrange(1, 4)):
            first, last = person(ru)
            host = domain if ru.random() < 0.6 else ru.choice(("gmail.com", "outlook.com", "contractor.io"))
            people.append((first, last, f"{email_local(first, last, ru)}@{host}", None))
        for first, last, email, contact in people:
            user_serial += 1
            uid = ids.ZD_USER_BASE + 17 * user_serial
            u_created = (
                max(created, contact["CreatedDate"] if contact else created) + ru.randrange(0, 90) * DAY
            )
            u_created = min(u_created, anchor - DAY)
            stored = email.lower() if ru.random() < 0.9 else email
            w.users.append(
                _user(
                    w,
                    uid,
                    f"{first} {last}",
                    stored,
                    org_id,
                    "end-user",
                    u_created,
                    min(anchor, u_created + ru.randrange(0, 200) * DAY),
                    ru,
                )
            )
            members.append(uid)
        w.org_members[org_id] = members


def _user(
    w: World,
    uid: int,
    name: str,
    email: str,
    org_id: int | None,
    role: str,
    created: int,
    updated: int,
    r: random.Random,
) -> dict:
    suspended = role == "end-user" and r.random() < 0.03
    return {
        "url": w.user_url(uid),
        "id": uid,
        "name": name,
        "email": email,
        "created_at": iso_z(created),
        "updated_at": iso_z(updated),
        "time_zone": "UTC",
        "iana_time_zone": "Etc/UTC",
        "phone": None,
        "shared_phone_number": None,
        "photo": None,
        "locale_id": 1,
        "locale": "en-US",
        "organization_id": org_id,
        "role": role,
        "verified": True,
        "external_id": None,
        "tags": [],
        "alias": None,
        "active": not (role == "end-user" and r.random() < 0.02),
        "shared": False,
        "shared_agent": False,
        "last_login_at": iso_z(updated),
        "two_factor_auth_enabled": False,
        "signature": None,
        "details": "",
        "notes": "",
        "role_type": None,
        "custom_role_id": None,
        "moderator": role != "end-user",
        "ticket_restriction": "requested" if role == "end-user" else None,
        "only_private_comments": False,
        "restricted_agent": False,
        "suspended": suspended,
        "default_group_id": ids.ZD_GROUP_SUPPORT if role != "end-user" else None,
        "report_csv": False,
        "user_fields": {},
    }


def _agents(w: World) -> None:
    seed, anchor = w.config.seed, w.anchor
    count = 8 + w.config.accounts // 100
    for k in range(count):
        r = rng(seed, ids.S_AGENT, k)
        first, last = person(r)
        uid = ids.ZD_USER_BASE + 5 + 17 * k
        user = _user(
            w,
            uid,
            f"{first} {last}",
            f"{first}.{last}{k}@support.example.com".lower().replace("'", ""),
            None,
            "agent" if k else "admin",
            w.start - 100 * DAY,
            anchor - r.randrange(0, 30) * DAY,
            r,
        )
        user["active"], user["suspended"] = True, False
        user["signature"] = f"{first}\n{r.choice(AGENT_TITLES)}"
        w.users.append(user)
        w.agents.append(uid)


def pick_org(w: World, value: int) -> dict:
    """The org a ticket belongs to, from 64 random bits (weighted by account size)."""
    total = w.org_weights[-1]
    point = (value % 1_000_003) / 1_000_003 * total
    return w.orgs[min(bisect.bisect_right(w.org_weights, point), len(w.orgs) - 1)]
