"""The shipped "collaboration project" step says "collaboration project ID", the portal's one
name for it (the account page's panel introduces it with "(AM ID)"): in the draft step, the
published versions and checklists already started, wherever the text is still the shipped one
(an admin's own wording is kept)."""

from django.db import migrations

OLD = "The organization's collaboration project (AM) ID links its tickets to"
NEW = "The organization's collaboration project ID links its tickets to"


def forwards(apps, schema_editor):
    _replace(apps, OLD, NEW)


def backwards(apps, schema_editor):
    _replace(apps, NEW, OLD)


def _replace(apps, old, new):
    for name in ("TemplateStep", "ChecklistStep"):
        model = apps.get_model("accounts", name)
        for row in model.objects.filter(description__contains=old):
            row.description = row.description.replace(old, new)
            row.save(update_fields=["description"])
    Version = apps.get_model("accounts", "ChecklistTemplateVersion")
    for version in Version.objects.all():
        steps = [{**s, "description": s.get("description", "").replace(old, new)} for s in version.steps]
        if steps != version.steps:
            version.steps = steps
            version.save(update_fields=["steps"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0010_collaboration_project_id_words")]
    operations = [migrations.RunPython(forwards, backwards)]
