# ruff: noqa: E501 -- seed sentences are quoted whole
"""The two shipped onboarding templates follow the handbook pages step for step."""

import re

import pytest

from accounts.checklist_models import ChecklistTemplate, StepKind
from tests.factories.accounts import shipped_templates
from tests.handbook.seeds import NEWER, OLDER, page_words, seed_raw, seed_words

pytestmark = pytest.mark.django_db

# The older page's "Establishing Customers in Support Systems", one seed sentence per step.
OLDER_STEPS = [
    "collect a list of names and email addresses for people that the customer intends to have SLA-driven access to support",
    "into the GitLab Salesforce system as Contacts associated with the customer\u2019s Account record",
    "set the domain name for the Zendesk account to the domain name for the customer\u2019s submitted email addresses, when applicable",
    "following the instructions on the Sign In pop-up for people that are new to GitLab",
]  # fmt: skip


def latest_steps(key: str) -> list[dict]:
    shipped_templates()
    template = ChecklistTemplate.objects.get(key=key)
    return template.versions.get(number=template.version).steps


def step_words(step: dict) -> str:
    return page_words(f"{step['title']} {step['description']}")


def test_the_older_template_has_the_tam_pages_four_steps_in_order():
    steps = latest_steps("support-onboarding-contact-collection")
    assert len(steps) == len(OLDER_STEPS)
    for step, sentence in zip(steps, OLDER_STEPS, strict=True):
        assert page_words(sentence) in seed_words(OLDER), sentence
        assert page_words(sentence) in step_words(step), (step["title"], sentence)
    # The seed's caveat for people who are not associated: proving entitlement delays the ticket.
    assert "will be asked to prove their support entitlement" in step_words(steps[-1])
    assert "delays in resolution" in step_words(steps[-1])


def seed_numbered_steps() -> list[str]:
    """The newer page's "Steps for the CSM to take to add support users", as written."""
    section = seed_raw(NEWER).split("### Steps for the CSM to take to add support users", 1)[1]
    section = section.split("\n#", 1)[0]
    lines = [line[3:] for line in section.splitlines() if line.startswith("1. ")]
    assert len(lines) == 2, lines
    return [re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line) for line in lines]


def test_the_current_template_follows_the_csm_pages_steps_in_order():
    steps = latest_steps("support-onboarding")
    titles = [page_words(s["title"]) for s in steps]
    # The seed spells the first "Identfiy"; the step is spelled right.
    expected = [page_words(line.replace("Identfiy", "Identify")) for line in seed_numbered_steps()]
    assert expected[0] in titles and expected[1] in titles
    first, second = titles.index(expected[0]), titles.index(expected[1])
    assert first < second
    assert steps[first]["check_key"] == "sold_to_contact"  # verified from Salesforce
    assert (
        steps[second]["kind"] == StepKind.EMAIL
        and steps[second]["email_template_key"] == "managing-support-contacts"
    )


def test_the_current_template_has_a_step_for_each_other_section_of_the_csm_page():
    steps = {s["check_key"] or s["title"]: s for s in latest_steps("support-onboarding")}
    # "Users tab ... will show who has support entitlement"
    assert "will not be able to access gitlab support" in step_words(steps["support_contacts"])
    # "you need to review the Customer Collaboration Project ID set in Zendesk"
    assert "review the customer collaboration project id set in zendesk" in step_words(
        steps["collaboration_project"]
    )
    # Contact management projects: information, a step of its own that never stays to do.
    assert "information" in step_words(steps["contact_management_project"])
    # Static notes: optional, by hand.
    notes = steps["Static organization notes (optional)"]
    assert notes["kind"] == StepKind.MANUAL
    assert "to add important static notes that will appear on each new ticket" in step_words(notes)
    # "Support Ticket Best Practice": educate the customer.
    assert "Educate the customer on ticket best practice" in steps


def test_the_update_leaves_a_template_an_admin_edited_and_runs_once():
    import importlib

    from django.apps import apps

    from accounts.checklist_models import EmailTemplate

    migration = importlib.import_module("accounts.migrations.0008_handbook_faithful_templates")
    shipped_templates()
    template = ChecklistTemplate.objects.get(key="support-onboarding")
    EmailTemplate.objects.filter(key="managing-support-contacts").update(body="Our own words.")
    migration.forwards(apps, None)  # again: the templates are no longer the 0004 text
    template.refresh_from_db()
    assert template.version == 2 and template.versions.count() == 2
    assert EmailTemplate.objects.get(key="managing-support-contacts").body == "Our own words."
