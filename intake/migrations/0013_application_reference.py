"""The consumer's short reference (CG-7K3-9QX): added empty, every existing application
given its own, then made unique."""

from django.db import migrations, models

import intake.models.application


def _backfill(apps, schema_editor):
    Application = apps.get_model("intake", "Application")
    taken = set(
        Application.objects.exclude(reference__isnull=True).values_list("reference", flat=True)
    )
    for application in Application.objects.filter(reference__isnull=True).only("pk"):
        reference = intake.models.application.reference_new()
        while reference in taken:
            reference = intake.models.application.reference_new()
        taken.add(reference)
        Application.objects.filter(pk=application.pk).update(reference=reference)


class Migration(migrations.Migration):
    dependencies = [
        ("intake", "0012_verification_running_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="reference",
            field=models.CharField(editable=False, max_length=10, null=True),
        ),
        migrations.RunPython(_backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="application",
            name="reference",
            field=models.CharField(
                default=intake.models.application.reference_new,
                editable=False,
                max_length=10,
                unique=True,
            ),
        ),
    ]
