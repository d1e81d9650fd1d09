"""A proposal version's inputs and results: encrypted; its eligibility outcome copied to a
plain column for the queue's filter. Written by hand: the outcome is read while the results
are still plain text, then the columns are sealed for their rows."""

import json
import uuid

from django.db import migrations, models

import tenants.encryption.fields
from tenants.encryption.backfill import encrypt_in_place


def outcome_copy(apps, schema_editor):
    version = apps.get_model("counselor", "ProposalVersion")
    for pk, results in version.objects.values_list("pk", "results").iterator(chunk_size=500):
        if results is not None and not results.token.startswith("v1:"):
            outcome = str(json.loads(results.token).get("outcome", ""))[:24]
            version.objects.filter(pk=pk).update(outcome=outcome)


class Migration(migrations.Migration):
    dependencies = [
        ("counselor", "0006_offer_exceptions"),
        ("encryption", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            "proposalversion", "public_id", models.UUIDField(editable=False, null=True)
        ),
        migrations.AddField(
            "proposalversion", "outcome", models.CharField(blank=True, max_length=24)
        ),
        migrations.AlterField(
            "proposalversion", "inputs", tenants.encryption.fields.EncryptedJSONField()
        ),
        migrations.AlterField(
            "proposalversion", "results", tenants.encryption.fields.EncryptedJSONField()
        ),
        migrations.RunPython(outcome_copy, migrations.RunPython.noop),
        migrations.RunPython(
            encrypt_in_place(
                "counselor", "ProposalVersion", ["inputs", "results"], new_identity=True
            ),
            migrations.RunPython.noop,
        ),
        migrations.AlterField(
            "proposalversion",
            "public_id",
            models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
