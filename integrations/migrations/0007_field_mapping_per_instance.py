"""The Zendesk side of the field mapping per Zendesk instance: each row (and each audit line)
names its instance; the rows and audit lines there were become the global instance's. A
Salesforce row names no instance ("")."""

from django.db import migrations, models

GLOBAL = "global"


def to_global(apps, schema_editor):
    for name in ("FieldMapping", "FieldMappingChange"):
        model = apps.get_model("integrations", name)
        model.objects.filter(key__startswith="zendesk.").update(zd_instance=GLOBAL)


def back_to_one(apps, schema_editor):
    """Back to one mapping: only the global instance's rows (and Salesforce's) remain."""
    for name in ("FieldMapping", "FieldMappingChange"):
        model = apps.get_model("integrations", name)
        model.objects.exclude(zd_instance__in=("", GLOBAL)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("integrations", "0006_stream_per_instance"),
    ]

    operations = [
        migrations.AddField(
            model_name="fieldmapping",
            name="zd_instance",
            field=models.CharField(blank=True, default="", max_length=20),
        ),
        migrations.AddField(
            model_name="fieldmappingchange",
            name="zd_instance",
            field=models.CharField(blank=True, default="", max_length=20),
        ),
        migrations.AlterField(
            model_name="fieldmapping",
            name="key",
            field=models.CharField(max_length=80),
        ),
        migrations.RunPython(to_global, back_to_one),
        migrations.AddConstraint(
            model_name="fieldmapping",
            constraint=models.UniqueConstraint(
                fields=("key", "zd_instance"), name="integrations_fieldmapping_key_instance"
            ),
        ),
    ]
