"""Proposal.case_id becomes a foreign key to the application's public id.

The column keeps its name and values; a proposal whose application was already purged
(nothing could open it any more) goes first, so the constraint holds."""

import django.db.models.deletion
from django.db import migrations, models


def drop_orphans(apps, schema_editor):
    Proposal = apps.get_model("counselor", "Proposal")
    Application = apps.get_model("intake", "Application")
    known = Application.objects.values("public_id")
    Proposal.objects.exclude(case_id__in=known).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("counselor", "0003_case_status_tasks"),
        ("intake", "0006_household_name_index"),
    ]

    operations = [
        migrations.RunPython(drop_orphans, migrations.RunPython.noop),
        migrations.RenameField(model_name="proposal", old_name="case_id", new_name="case"),
        migrations.AlterField(
            model_name="proposal",
            name="case",
            field=models.OneToOneField(
                db_column="case_id",
                on_delete=django.db.models.deletion.CASCADE,
                related_name="proposal",
                to="intake.application",
                to_field="public_id",
            ),
        ),
    ]
