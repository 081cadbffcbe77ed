"""Versioning of checklist templates: publishing freezes the steps into a new version."""

from typing import Any

from django.db import transaction

from ..checklist_models import ChecklistTemplate, ChecklistTemplateVersion


def template_snapshot(template: ChecklistTemplate) -> list[dict[str, str]]:
    """The template's current steps as stored in a version (what a checklist copies)."""
    return [
        {
            "title": step.title,
            "description": step.description,
            "kind": step.kind,
            "check_key": step.check_key,
            "email_template_key": step.email_template.key if step.email_template else "",
            "action": step.action,
        }
        for step in template.steps.select_related("email_template").order_by("position", "id")
    ]


def checklist_template_publish(*, template: ChecklistTemplate, actor: Any) -> ChecklistTemplateVersion | None:
    """Publish the template's steps as a new version if they (or its name) changed.

    Returns the new version, or None when nothing changed. Checklists already started keep the
    version they were copied from.
    """
    with transaction.atomic():
        template = ChecklistTemplate.objects.select_for_update().get(pk=template.pk)
        steps = template_snapshot(template)
        latest = template.versions.order_by("-number").first()
        if latest is not None and latest.steps == steps and latest.name == template.name:
            return None
        if not steps:
            return None
        number = (latest.number if latest else 0) + 1
        version = ChecklistTemplateVersion.objects.create(
            template=template,
            number=number,
            name=template.name,
            steps=steps,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        ChecklistTemplate.objects.filter(pk=template.pk).update(version=number)
        return version
