"""Audit entries of terminations get the stable event name usage reads.

Before events, audit actions were URL names, and usage matched them:
``instance-terminate``, ``instance-action:terminate``, ``instances-bulk:terminate``
(older bulk entries held several space-separated ids), and a cloud admin's
``admin-instance-terminate`` / ``admin-instance-action:terminate``, filed under
no project with "<project id> <instance id>" as the target.  They all become
``instance.terminate`` entries, one per instance, filed under its project.
"""

from django.db import migrations

MEMBER_ACTIONS = ("instance-terminate", "instance-action:terminate", "instances-bulk:terminate")
ADMIN_ACTIONS = ("admin-instance-terminate", "admin-instance-action:terminate")
EVENT = "instance.terminate"


def to_events(apps, schema_editor):
    entry_model = apps.get_model("django_nova", "AuditEntry")
    for entry in entry_model.objects.filter(action__in=MEMBER_ACTIONS):
        first, *more = entry.target.split() or [""]
        for extra in more:
            entry_model.objects.create(**{**_fields(entry), "action": EVENT, "target": extra})
        entry.action, entry.target = EVENT, first
        entry.save(update_fields=["action", "target"])
    for entry in entry_model.objects.filter(action__in=ADMIN_ACTIONS):
        project_id, _, instance_id = entry.target.partition(" ")
        entry.action, entry.project_id, entry.target = EVENT, project_id, instance_id
        entry.save(update_fields=["action", "project_id", "target"])


def _fields(entry) -> dict:
    return {field.attname: getattr(entry, field.attname)
            for field in entry._meta.concrete_fields if not field.primary_key}


class Migration(migrations.Migration):

    dependencies = [
        ("django_nova", "0003_audit_target_text"),
    ]

    operations = [
        migrations.RunPython(to_events, migrations.RunPython.noop),
    ]
