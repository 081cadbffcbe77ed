"""Generated Zendesk organizations (with their data problems), end users and agents."""

from __future__ import annotations

import random
from collections.abc import Sequence

from . import ids
from .ids import DAY, iso_z, mix, rng, sf_id
from .names import (
    AGENT_TITLES,
    company_name,
    email_local,
    person,
)
from .world import PLANS, REGIONS, World, forced_slot, weighted


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
    plan = account["Support_Level__c"] if account else weighted(r, PLANS, (40, 40, 20))
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


def default_plan(w: World) -> list[tuple[int, dict | None]]:
    """Which accounts get an organization (most), then the orgs without one (trials)."""
    seed = w.config.seed
    plan: list[tuple[int, dict | None]] = []
    for a, acct in enumerate(w.accounts):
        if rng(seed, ids.S_EXTRA_ORG, a).random() < 0.93 and forced_slot(seed, a) != 15:
            plan.append((a, acct))
    return plan


def add_orgs(w: World, plan: Sequence[tuple[int, dict | None]] | None = None) -> None:
    """Organizations for ``plan`` (account index, account), then a few without an account
    (indexes after every account; named from ``w.next_name`` on)."""
    seed, anchor = w.config.seed, w.anchor
    extra = max(2, w.config.accounts // 20)
    plan = default_plan(w) if plan is None else list(plan)
    trial_base = len(w.accounts)
    names: dict[int, int] = {}
    for k in range(extra):
        plan.append((trial_base + k, None))
        names[trial_base + k] = w.next_name + k
    w.next_name += extra
    user_serial = 0
    for n, (index, account) in enumerate(plan):
        r = rng(seed, ids.S_ORG, index)
        org_id = ids.ZD_ORG_BASE + 13 * (n + 1)
        if account is not None:
            name, domain = account["Name"], account["_domain"]
        else:
            stem, dstem = company_name(w.name_seed, names[index])
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
                "deleted_at": None,
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


def add_agents(w: World) -> None:
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
