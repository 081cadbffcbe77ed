"""The two onboarding templates that ship with the portal, and the Managing Support Contacts email.

Texts are written out here (not imported) so that the migration stays what it was when it ran.
"""

from django.db import migrations

MANAGING_SUPPORT_CONTACTS_BODY = """Hello {{ contact_first_name }},

I am {{ csm_name }}, your Customer Success Manager. To make sure tickets from your team get the support level {{ account_name }} has purchased, the people who open support tickets need to be associated with your organization in our support system.

Please follow the procedure in "Managing Support Contacts":
https://about.gitlab.com/support/managing-support-contacts/#managing-contacts

In short:
- Tell us who should be able to open support tickets: up to {{ contact_limit }} people.
- People who are not associated with your organization cannot open tickets with your SLA.
- When someone joins or leaves your team, update the list the same way.

If you have any questions, just reply to this email.

Best regards,
{{ csm_name }}
{{ csm_email }}
"""

EMAIL = {
    "key": "managing-support-contacts",
    "name": "Managing Support Contacts",
    "subject": "Managing your support contacts for {{ account_name }}",
    "body": MANAGING_SUPPORT_CONTACTS_BODY,
}


def step(title, description, kind="manual", check_key="", email_template_key=""):
    return {
        "title": title,
        "description": description,
        "kind": kind,
        "check_key": check_key,
        "email_template_key": email_template_key,
    }


CURRENT = {
    "key": "support-onboarding",
    "name": "Onboarding into support",
    "description": (
        "The current process from the CSM handbook: establish the customer in Zendesk so that "
        "tickets from their people get the SLA they bought."
    ),
    "is_default": True,
    "steps": [
        step(
            "Identify the sold-to contact in Salesforce",
            "The sold-to email on the Salesforce account belongs to a contact on the account: that "
            "person receives the Managing Support Contacts procedure.",
            "automatic",
            "sold_to_contact",
        ),
        step(
            "Zendesk organization exists and is linked",
            "A Zendesk organization carries this account's Salesforce ID in its salesforce_id field, "
            "so tickets are matched to the account and its support level.",
            "automatic",
            "zendesk_org",
        ),
        step(
            "Email the sold-to contact the Managing Support Contacts procedure",
            "Send it from the portal; the email is recorded here as evidence. It asks the customer to "
            "register the people who will open tickets.",
            "email",
            email_template_key="managing-support-contacts",
        ),
        step(
            "Support contacts registered in Zendesk",
            "The Salesforce contacts who open tickets are end users of the organization in Zendesk "
            "(up to 30 people, 50 with a contact management project). People not associated with "
            "the organization cannot open tickets with the account's SLA.",
            "automatic",
            "support_contacts",
        ),
        step(
            "Contact management project in place (accounts with 50+ seats)",
            "Accounts with 50 or more seats are eligible for a contact management project: the "
            "organization's Contact Management Project ID is set and its CMP Developers list names "
            "the customer's maintainers (up to 5).",
            "automatic",
            "contact_management_project",
        ),
        step(
            "Collaboration project ID set in Zendesk",
            "The organization's collaboration project (AM) ID links tickets to the customer's "
            "architecture details. If it is missing or wrong, ask support ops to correct it.",
            "automatic",
            "collaboration_project",
        ),
        step(
            "Request static organization notes",
            "Ask support ops to attach notes that appear on every new ticket (environment, "
            "escalation contacts, constraints). Record the request as evidence.",
        ),
        step(
            "Educate the customer on ticket best practice",
            "Walk the customer through good tickets: full detail in the first submission (summary, "
            "steps to reproduce, current and expected behavior, recent changes, logs and "
            "screenshots), the preferred region for support and its effect on the SLA, no call "
            "requests in the first submission, and prompt answers to follow-up requests.",
        ),
    ],
}

OLDER = {
    "key": "support-onboarding-contact-collection",
    "name": "Onboarding into support (older process)",
    "description": (
        "The process before Managing Support Contacts: the CSM collected the contacts and loaded "
        "them into Salesforce, and customers self-registered. Kept for accounts onboarded that way. "
        "Org domain matching is no longer applied in Zendesk."
    ),
    "is_default": False,
    "steps": [
        step(
            "Collect the customer's support contacts",
            "Ask the customer for the names and email addresses of the people who will open "
            "tickets (up to 30).",
        ),
        step(
            "Load the contacts into Salesforce",
            "Add each person as a contact on the Salesforce account.",
        ),
        step(
            "Zendesk organization exists and is linked",
            "A Zendesk organization carries this account's Salesforce ID in its salesforce_id field.",
            "automatic",
            "zendesk_org",
        ),
        step(
            "Ask the customer's contacts to self-register",
            "Each person signs up in the support portal with the email address loaded into "
            "Salesforce. Note: org domain matching is no longer applied, so signing up with a "
            "company address does not associate anyone with the organization; each person must "
            "be added to it (see Managing Support Contacts).",
        ),
        step(
            "Support contacts registered in Zendesk",
            "The collected contacts are end users of the organization in Zendesk.",
            "automatic",
            "support_contacts",
        ),
    ],
}


def ship(apps, schema_editor):
    EmailTemplate = apps.get_model("accounts", "EmailTemplate")
    ChecklistTemplate = apps.get_model("accounts", "ChecklistTemplate")
    TemplateStep = apps.get_model("accounts", "TemplateStep")
    Version = apps.get_model("accounts", "ChecklistTemplateVersion")
    email, _ = EmailTemplate.objects.get_or_create(
        key=EMAIL["key"], defaults={k: v for k, v in EMAIL.items() if k != "key"}
    )
    for spec in (CURRENT, OLDER):
        if ChecklistTemplate.objects.filter(key=spec["key"]).exists():
            continue
        template = ChecklistTemplate.objects.create(
            key=spec["key"],
            name=spec["name"],
            description=spec["description"],
            is_default=spec["is_default"],
            is_active=True,
            version=1,
        )
        for position, s in enumerate(spec["steps"], start=1):
            TemplateStep.objects.create(
                template=template,
                position=position,
                title=s["title"],
                description=s["description"],
                kind=s["kind"],
                check_key=s["check_key"],
                email_template=email if s["email_template_key"] else None,
            )
        Version.objects.create(template=template, number=1, name=spec["name"], steps=spec["steps"])


def unship(apps, schema_editor):
    ChecklistTemplate = apps.get_model("accounts", "ChecklistTemplate")
    Checklist = apps.get_model("accounts", "Checklist")
    for key in (CURRENT["key"], OLDER["key"]):
        if not Checklist.objects.filter(template__key=key).exists():
            ChecklistTemplate.objects.filter(key=key).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_onboarding_checklists")]

    operations = [migrations.RunPython(ship, unship)]
