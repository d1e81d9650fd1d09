"""The queue's order index is now declared on the intake's model (``application_queue_idx``,
with the composite indexes of the filters): the raw copy of 0002 goes."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("counselor", "0004_proposal_case_foreign_key"),
        ("intake", "0007_queue_indexes"),
    ]

    operations = [
        migrations.RunSQL(
            "DROP INDEX IF EXISTS counselor_queue_submitted_idx",
            reverse_sql=(
                "CREATE INDEX IF NOT EXISTS counselor_queue_submitted_idx "
                "ON intake_application (submitted_at, id) WHERE status <> 'draft'"
            ),
        ),
    ]
