"""The shipped onboarding templates and the Managing Support Contacts email, faithful to the handbook.

The current template follows the CSM page step for step (identify the sold-to email via SFDC,
email it the Managing Support Contacts procedure), and its contact management project step is
information only; the older template has the TAM page's four steps (collect, load into
Salesforce, set the org's domain name, self-register through the Sign In pop-up).

A template or email an admin has edited since it shipped is left alone: only one whose latest
version is still the text of 0004 gets the new text, published as a new version (checklists
already started keep theirs). Texts are written out here so the migration stays what it was.
"""

import importlib

from django.db import migrations, models

SHIPPED = importlib.import_module("accounts.migrations.0004_shipped_checklist_templates")

MANAGING_SUPPORT_CONTACTS_BODY = """Hello {{ contact_first_name }},

I am {{ csm_name }}, your Customer Success Manager. So that tickets from your team are guided by the support {{ account_name }} has purchased, the people who open support tickets need to be associated with your organization in our support system.

Please follow the procedures outlined in Managing Support Contacts:
{{ managing_support_contacts_url }}

Users who aren't associated with their organization will not be able to access GitLab Support.

If you have any questions, just reply to this email.

Best regards,
{{ csm_name }}
{{ csm_email }}
"""


def step(title, description, kind="manual", check_key="", email_template_key=""):
    return {
        "title": title,
        "description": description,
        "kind": kind,
        "check_key": check_key,
        "email_template_key": email_template_key,
    }


CURRENT_DESCRIPTION = (
    "The current process from the CSM handbook (CSM and Support Interaction): establish the "
    "customer in Zendesk so that tickets from their people are guided by the SLA they bought."
)
CURRENT_STEPS = [
    step(
        "Identify the sold-to email for that account via SFDC",
        "The Salesforce account's sold-to email is who receives the Managing Support Contacts "
        "procedure. Done when the account has one; whether that person is also a contact on the "
        "account is shown as a note.",
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
        "Send an email to the sold-to email to follow the procedures outlined in Managing Support Contacts",
        "Send it from the portal; the email is recorded here as evidence. It points the customer "
        "to the Managing Support Contacts procedure, by which they add the people who open "
        "tickets.",
        "email",
        email_template_key="managing-support-contacts",
    ),
    step(
        "Support users in the Zendesk organization",
        "The organization's Users tab in Zendesk shows who has support entitlement. Users who "
        "aren't associated with their organization will not be able to access GitLab Support.",
        "automatic",
        "support_contacts",
    ),
    step(
        "Contact management project",
        "Information, never a step to do: whether this customer has a contact management project "
        "(the organization's Contact Management Project ID) and who can access it (CMP "
        "Developers). Only Support Readiness and the customers' chosen users have access to a "
        "contact management project.",
        "automatic",
        "contact_management_project",
    ),
    step(
        "Review the Customer Collaboration Project ID set in Zendesk",
        "The organization's collaboration project (AM) ID links its tickets to the customer's "
        "architecture details. If it is not correct, ask support ops to change it.",
        "automatic",
        "collaboration_project",
    ),
    step(
        "Static organization notes (optional)",
        "To add important static notes that will appear on each new ticket to help the support "
        "team with context, request this be attached to the customer's Zendesk organization. "
        "Optional: skip this step when the account needs none.",
    ),
    step(
        "Educate the customer on ticket best practice",
        "Walk the customer through good tickets: full detail in the first submission (summary, "
        "steps to reproduce, current and expected behavior, recent changes, logs and "
        "screenshots), the preferred region for support and its effect on the SLA, no call "
        "requests in the first submission, and prompt answers to follow-up requests.",
    ),
]

OLDER_DESCRIPTION = (
    "The older process from the TAM handbook (Establishing Customers in Support Systems): the "
    "account manager collected the contacts and loaded them into Salesforce, support set the "
    "organization's domain name, and the customer's people self-registered. Kept for accounts "
    "onboarded that way."
)
OLDER_STEPS = [
    step(
        "Collect a list of names and email addresses",
        "Collect a list of names and email addresses for people that the customer intends to have "
        "SLA-driven access to support.",
    ),
    step(
        "Load them into Salesforce as Contacts",
        "Load these contacts into the GitLab Salesforce system as Contacts associated with the "
        "customer's Account record.",
    ),
    step(
        "Ask support to set the organization's domain name",
        "Ask the support team to set the domain name for the Zendesk account to the domain name "
        "for the customer's submitted email addresses, when applicable.",
    ),
    step(
        "Have these people register at the support portal",
        "Advise the customer to have these people register in the support system by navigating to "
        "support.gitlab.com and following the instructions on the Sign In pop-up for people that "
        "are new to GitLab. The self-registration process will then recognize the email address "
        "and correctly ensure that submitted tickets are guided by the customer's purchased "
        "support SLA. Users who aren't associated with their organization will be asked to prove "
        "their support entitlement, which can introduce some delays in resolution.",
    ),
]

UPDATES = [
    (SHIPPED.CURRENT, CURRENT_DESCRIPTION, CURRENT_STEPS),
    (SHIPPED.OLDER, OLDER_DESCRIPTION, OLDER_STEPS),
]


def _publish(apps, spec, description, steps, email):
    ChecklistTemplate = apps.get_model("accounts", "ChecklistTemplate")
    TemplateStep = apps.get_model("accounts", "TemplateStep")
    Version = apps.get_model("accounts", "ChecklistTemplateVersion")
    template = ChecklistTemplate.objects.filter(key=spec["key"]).first()
    if template is None:
        return
    latest = Version.objects.filter(template=template).order_by("-number").first()
    if latest is None or latest.steps != spec["steps"]:
        return  # edited by an admin since it shipped: theirs to keep
    template.steps.all().delete()
    for position, s in enumerate(steps, start=1):
        TemplateStep.objects.create(
            template=template,
            position=position,
            title=s["title"],
            description=s["description"],
            kind=s["kind"],
            check_key=s["check_key"],
            email_template=email if s["email_template_key"] else None,
        )
    if template.description == spec["description"]:
        template.description = description
    template.version = latest.number + 1
    template.save(update_fields=["description", "version"])
    Version.objects.create(template=template, number=latest.number + 1, name=template.name, steps=steps)


def forwards(apps, schema_editor):
    EmailTemplate = apps.get_model("accounts", "EmailTemplate")
    email = EmailTemplate.objects.filter(key=SHIPPED.EMAIL["key"]).first()
    if email is not None and email.body == SHIPPED.EMAIL["body"]:
        email.body = MANAGING_SUPPORT_CONTACTS_BODY
        email.save(update_fields=["body"])
    for spec, description, steps in UPDATES:
        _publish(apps, spec, description, steps, email)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_deleted_at_mirrored")]

    operations = [
        migrations.AlterField(
            model_name="checkliststep",
            name="check_key",
            field=models.CharField(
                blank=True,
                choices=[
                    ("sold_to_contact", "Sold-to email identified in Salesforce"),
                    ("zendesk_org", "Zendesk organization exists and is linked"),
                    ("support_contacts", "Support users in the Zendesk organization"),
                    ("collaboration_project", "Collaboration project ID set"),
                    (
                        "contact_management_project",
                        "Contact management project: whether there is one, who can access it (information)",
                    ),
                ],
                max_length=40,
                verbose_name="check",
            ),
        ),
        migrations.AlterField(
            model_name="templatestep",
            name="check_key",
            field=models.CharField(
                blank=True,
                choices=[
                    ("sold_to_contact", "Sold-to email identified in Salesforce"),
                    ("zendesk_org", "Zendesk organization exists and is linked"),
                    ("support_contacts", "Support users in the Zendesk organization"),
                    ("collaboration_project", "Collaboration project ID set"),
                    (
                        "contact_management_project",
                        "Contact management project: whether there is one, who can access it (information)",
                    ),
                ],
                help_text="For automatically verified steps.",
                max_length=40,
                verbose_name="check",
            ),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
