"""Generated Salesforce users (CSMs first), accounts and contacts."""

from __future__ import annotations

import random

from . import ids
from .ids import DAY, rng, sf_id
from .names import (
    CONTACT_TITLES,
    LEGAL_BY_REGION,
    TLD_BY_REGION,
    company_name,
    email_local,
    person,
    vary_case,
)
from .world import DEMO_CSMS, PLANS, PRICE, REGIONS, World, forced_slot, weighted


def add_sf_users(w: World) -> None:
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


def add_accounts(w: World, start: int = 0, count: int | None = None, first_name: int | None = None) -> None:
    """Accounts ``start`` .. ``start + count - 1`` (default: the config's, from 0), named from
    ``first_name`` on (default: their index), with their contacts."""
    seed, anchor = w.config.seed, w.anchor
    count = w.config.accounts if count is None else count
    first_name = start if first_name is None else first_name
    contact_serial = len(w.contacts)
    w.next_name = max(w.next_name, first_name + count)
    for a in range(start, start + count):
        r = rng(seed, ids.S_ACCOUNT, a)
        region = weighted(r, REGIONS, (45, 35, 20))
        stem, domain_stem = company_name(w.name_seed, first_name + a - start)
        legal = r.choice(LEGAL_BY_REGION[region])
        domain = domain_stem + r.choice(TLD_BY_REGION[region])
        plan = weighted(r, PLANS, (25, 45, 30))
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
            "Type": weighted(r, ("Customer", "Customer - Channel", "Partner"), (85, 10, 5)),
            "Support_Level__c": plan,
            "Region__c": region,
            "Seats__c": float(seats),
            "ARR__c": round(seats * PRICE[plan] * r.uniform(0.75, 1.0), 2),
            "Renewal_Date__c": ids.sf_date(anchor + r.randrange(-30, 365) * DAY),
            "Health_Score__c": weighted(r, ("Green", "Yellow", "Red"), (60, 28, 12)),
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
