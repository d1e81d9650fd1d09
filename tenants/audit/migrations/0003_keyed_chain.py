"""The keyed chain: its wrapped key, the head row appends lock, and the verification log.

The key and head tables are created managed, then left unmanaged like the audit table, so
test flushes never empty them while the events stay. The head starts at the newest existing
event; the key is made on the first append after this migration (``keyed_after`` = the
head then), so existing rows keep verifying in the unkeyed format (docs/audit.md).
"""

from django.db import migrations, models

GENESIS_HASH = "0" * 64


def head_start(apps, schema_editor):
    event = apps.get_model("audit", "AuditEvent")
    head = apps.get_model("audit", "AuditChainHead")
    newest = event.objects.order_by("-seq").values_list("seq", "hash").first()
    seq, hash_ = newest if newest else (0, GENESIS_HASH)
    head.objects.create(id=1, seq=seq, hash=hash_)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_append_only"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditKey",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("provider", models.CharField(max_length=10)),
                ("master_key_id", models.CharField(max_length=2048)),
                ("wrapped_key", models.BinaryField()),
                ("keyed_after", models.PositiveBigIntegerField()),
                ("created_at", models.DateTimeField()),
            ],
            options={"db_table": "audit_auditkey", "managed": True},
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                (
                    "id",
                    models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False),
                ),
                ("seq", models.PositiveBigIntegerField()),
                ("hash", models.CharField(max_length=64)),
            ],
            options={"db_table": "audit_auditchainhead", "managed": True},
        ),
        migrations.CreateModel(
            name="ChainVerification",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("ran_at", models.DateTimeField()),
                ("intact", models.BooleanField()),
                ("rows", models.PositiveBigIntegerField()),
                ("last_seq", models.PositiveBigIntegerField()),
                ("first_bad_seq", models.PositiveBigIntegerField(blank=True, null=True)),
                ("problem", models.CharField(blank=True, max_length=300)),
                ("anchor", models.CharField(blank=True, max_length=300)),
            ],
            options={"get_latest_by": "ran_at"},
        ),
        migrations.RunPython(head_start, migrations.RunPython.noop, elidable=False),
        migrations.AlterModelOptions(name="auditkey", options={"managed": False}),
        migrations.AlterModelOptions(name="auditchainhead", options={"managed": False}),
    ]
