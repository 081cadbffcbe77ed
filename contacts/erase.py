"""Privacy deletion: a person deleted at the source keeps no personal data in the portal.

Two ways in:

- the sync (``people_erase``): a Zendesk user (``active: false``) or a Salesforce contact
  (``IsDeleted``) arrives deleted; the upsert has already cleared the mirror row, and this
  clears the copies the portal made (feedback, emails sent, the audit trail, the outbox,
  notifications ...) in the same transaction as the page, so it never waits for a resync;
- a request that reaches the portal directly (``person_erase(email=)``, also an admin action
  on contacts and support users): the mirror rows with that email are marked deleted and
  cleared too.

What is cleared: the person's email (a field holding only it becomes empty) and their full
name, wherever they were copied as text, replaced by "deleted person". Small tables the
portal writes itself are searched whole; the large mirrors (tickets, comments, ratings,
cases) only where they concern the person (tickets they requested, comments on those or by
them, their ratings, their cases). Matching is a case-insensitive literal (linear time).
A first name alone inside free text is not recognised; see docs/hardening.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.mirror import DELETED_PERSON

from .models import Contact, SupportUser

REPLACEMENT = DELETED_PERSON
# Apps whose tables may hold a copy of a customer's name or email.
APPS = ("accounts", "contacts", "tickets", "feedback", "notifications", "supportops")
MIN_NAME = 4  # shorter "names" would match inside unrelated words


@dataclass
class Person:
    """Who to erase: an email and the names the mirrors had for it, and their rows."""

    email: str = ""
    names: set[str] = field(default_factory=set)
    support_user_pks: set[int] = field(default_factory=set)
    contact_pks: set[int] = field(default_factory=set)


@dataclass
class Erased:
    rows: int = 0
    tables: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, count: int) -> None:
        if count:
            self.rows += count
            self.tables[label] = self.tables.get(label, 0) + count


# Large mirror tables: searched only where they concern the person.
def _scopes() -> dict[str, Callable[[Sequence[Person]], Q]]:
    def users(people: Sequence[Person]) -> set[int]:
        return {pk for p in people for pk in p.support_user_pks}

    def contacts(people: Sequence[Person]) -> set[int]:
        return {pk for p in people for pk in p.contact_pks}

    return {
        "tickets.ticket": lambda ps: Q(requester_id__in=users(ps)),
        "tickets.comment": lambda ps: Q(author_id__in=users(ps)) | Q(ticket__requester_id__in=users(ps)),
        "tickets.case": lambda ps: Q(contact_id__in=contacts(ps)) | Q(ticket__requester_id__in=users(ps)),
        "feedback.rating": lambda ps: Q(requester_id__in=users(ps)),
    }


MIRRORS_OF_PEOPLE = ("contacts.contact", "contacts.supportuser")
TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)  # EmailField is a CharField


def _text_fields(model: type[models.Model]) -> list[models.Field]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, TEXT_FIELDS) and not f.choices and not f.primary_key
    ]


def _needles(people: Sequence[Person]) -> tuple[set[str], set[str]]:
    emails = {p.email.strip().lower() for p in people if p.email.strip()}
    names = {" ".join(n.split()) for p in people for n in p.names}
    return emails, {n for n in names if len(n) >= MIN_NAME}


class _Scrubber:
    def __init__(self, emails: set[str], names: set[str]) -> None:
        terms = sorted(emails | names, key=len, reverse=True)  # longest first: emails before names
        self.emails = emails
        self.pattern = re.compile("|".join(re.escape(t) for t in terms), re.IGNORECASE) if terms else None

    def text(self, value: str) -> str:
        if self.pattern is None or not value:
            return value
        if value.strip().lower() in self.emails:
            return ""
        return self.pattern.sub(REPLACEMENT, value)

    def json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.json(v) for v in value]
        if isinstance(value, dict):
            return {k: self.json(v) for k, v in value.items()}
        return value


def _scrub_model(
    model: type[models.Model], scope: Q | None, scrubber: _Scrubber, terms: set[str], result: Erased
) -> None:
    fields = _text_fields(model)
    if not fields or not terms:
        return
    rows = model._default_manager.filter(_json_safe(model, fields, terms))
    if scope is not None:
        rows = rows.filter(scope)
    changed: list[models.Model] = []
    touched: set[str] = set()
    for row in rows.only("pk", *(f.name for f in fields)):
        dirty = False
        for f in fields:
            old = getattr(row, f.name)
            new = scrubber.json(old) if isinstance(f, models.JSONField) else scrubber.text(old or "")
            if (isinstance(f, models.JSONField) or old is not None) and new != old:
                setattr(row, f.name, new)
                touched.add(f.name)
                dirty = True
        if dirty:
            changed.append(row)
    if changed:
        model._default_manager.bulk_update(changed, sorted(touched), batch_size=500)
        result.add(model._meta.label_lower, len(changed))


def _json_safe(model: type[models.Model], fields: list[models.Field], terms: set[str]) -> Q:
    """Rows whose text columns contain a term. JSON columns are compared as text (the
    database's own rendering escapes nothing a name or an email contains but quotes)."""
    condition = Q()
    for f in fields:
        for term in terms:
            if isinstance(f, models.JSONField):
                for variant in {json.dumps(term)[1:-1], json.dumps(term, ensure_ascii=False)[1:-1]}:
                    condition |= Q(**{f"{f.name}__icontains": variant})
            else:
                condition |= Q(**{f"{f.name}__icontains": term})
    return condition


def people_erase(people: Sequence[Person], *, include_mirrors: bool = False) -> Erased:
    """Clear these people's names and emails from every table that copied them.

    ``include_mirrors``: also the contact and support-user rows of other sources with the
    same email (a direct request); the sync leaves those, their source still has them.
    """
    result = Erased()
    emails, names = _needles(people)
    terms = emails | names
    if not terms:
        return result
    scrubber = _Scrubber(emails, names)
    scopes = _scopes()
    with transaction.atomic():
        for app in APPS:
            for model in apps.get_app_config(app).get_models():
                label = model._meta.label_lower
                if label in MIRRORS_OF_PEOPLE and not include_mirrors:
                    continue
                scope = scopes[label](people) if label in scopes else None
                _scrub_model(model, scope, scrubber, terms, result)
    return result


def person_erase(*, email: str) -> Erased:
    """Erase a person on a request that reached the portal directly (not via a source).

    Their contact and support-user rows are marked deleted and cleared; every copy of their
    name and email is replaced. Tell Zendesk and Salesforce too: a later change there would
    mirror the person again.
    """
    key = email.strip().lower()
    if not key or "@" not in key:
        raise ValueError("An email address is needed to erase a person.")
    now = timezone.now()
    with transaction.atomic():
        users = list(SupportUser.objects.select_for_update().filter(email_key=key))
        contacts = list(Contact.objects.select_for_update().filter(email_key=key))
        person = Person(
            email=key,
            names={u.name for u in users if u.name} | {c.name for c in contacts if c.name},
            support_user_pks={u.pk for u in users},
            contact_pks={c.pk for c in contacts},
        )
        result = people_erase([person], include_mirrors=True)
        cleared = {"name": "", "email": "", "email_key": ""}
        n = SupportUser.objects.filter(pk__in=person.support_user_pks).update(
            **cleared, deleted_at=now, active=False
        )
        result.add("contacts.supportuser", n)
        n = Contact.objects.filter(pk__in=person.contact_pks).update(
            first_name="", last_name="", email="", email_key="", title="", phone="", deleted_at=now
        )
        result.add("contacts.contact", n)
    return result


def deleted_people(
    model: type[SupportUser] | type[Contact], key: str, keys: Iterable[Any], *, instance: str | None = None
) -> list[Person]:
    """The people behind rows about to be written as deleted that still hold personal data
    (read before the upsert clears them: the copies are found by what the mirror had). For
    Zendesk users, ``instance`` names the instance whose users they are."""
    keys = list(keys)
    if not keys:
        return []
    where: dict[str, Any] = {f"{key}__in": keys}
    if instance is not None:
        where["zd_instance"] = instance
    rows = model.objects.filter(**where).filter(~Q(email="") | _has_name(model))
    people = []
    for row in rows:
        person = Person(email=row.email, names={row.name} if row.name else set())
        if isinstance(row, SupportUser):
            person.support_user_pks.add(row.pk)
        else:
            person.contact_pks.add(row.pk)
        people.append(person)
    return people


def _has_name(model: type[models.Model]) -> Q:
    if model is Contact:
        return ~Q(first_name="") | ~Q(last_name="")
    return ~Q(name="")
