"""Steps that an action elsewhere in the portal satisfies, and which emails were education emails.

The shipped templates' "Static organization notes (optional)" step is satisfied by a static
notes request to support ops, and "Educate the customer on ticket best practice" by the
education email. The action is set on the template steps, on the published versions' step
snapshots (every step gets the key, so an unchanged template is not published again) and on
the checklists' steps copied from them. Emails sent without a step were education emails.
"""

from django.db import migrations, models

ACTIONS = {
    "Static organization notes (optional)": "notes_request",
    "Educate the customer on ticket best practice": "education_email",
}


def forwards(apps, schema_editor):
    AccountEmail = apps.get_model("accounts", "AccountEmail")
    TemplateStep = apps.get_model("accounts", "TemplateStep")
    ChecklistStep = apps.get_model("accounts", "ChecklistStep")
    Version = apps.get_model("accounts", "ChecklistTemplateVersion")
    AccountEmail.objects.filter(step__isnull=True).update(kind="education")
    for title, action in ACTIONS.items():
        TemplateStep.objects.filter(title=title, kind="manual").update(action=action)
        ChecklistStep.objects.filter(title=title, kind="manual", is_custom=False).update(action=action)
    for version in Version.objects.all():
        for step in version.steps:
            step["action"] = ACTIONS.get(step.get("title"), "") if step.get("kind") == "manual" else ""
        version.save(update_fields=["steps"])


def backwards(apps, schema_editor):
    Version = apps.get_model("accounts", "ChecklistTemplateVersion")
    for version in Version.objects.all():
        for step in version.steps:
            step.pop("action", None)
        version.save(update_fields=["steps"])


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_handbook_faithful_templates'),
    ]

    operations = [
        migrations.AddField(
            model_name='accountemail',
            name='kind',
            field=models.CharField(choices=[('step', 'Onboarding step email'), ('education', 'Education email')], default='step', max_length=10),
        ),
        migrations.AddField(
            model_name='checkliststep',
            name='action',
            field=models.CharField(blank=True, choices=[('education_email', 'The education email (ticket best practice)'), ('notes_request', 'A static notes request to support ops')], max_length=20),
        ),
        migrations.AddField(
            model_name='checkliststep',
            name='evidence_url',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.AddField(
            model_name='templatestep',
            name='action',
            field=models.CharField(blank=True, choices=[('education_email', 'The education email (ticket best practice)'), ('notes_request', 'A static notes request to support ops')], help_text='For manual steps that an action elsewhere in the portal satisfies: the step links to it and completes itself with it as evidence.', max_length=20),
        ),
        migrations.RunPython(forwards, backwards),
    ]
