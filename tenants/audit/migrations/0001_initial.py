"""The audit table, created while managed; 0002 makes it append-only and unmanaged."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                (
                    "seq",
                    models.PositiveBigIntegerField(
                        editable=False, primary_key=True, serialize=False
                    ),
                ),
                ("created_at", models.DateTimeField(editable=False)),
                ("actor_label", models.CharField(max_length=150)),
                ("role", models.CharField(blank=True, max_length=32)),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("read", "Read"),
                            ("create", "Create"),
                            ("update", "Update"),
                            ("delete", "Delete"),
                            ("denied", "Denied"),
                            ("export", "Export"),
                            ("login", "Sign-in"),
                            ("logout", "Sign-out"),
                            ("purge", "Purge"),
                        ],
                        max_length=16,
                    ),
                ),
                ("object_type", models.CharField(max_length=64)),
                ("object_id", models.CharField(blank=True, max_length=64)),
                ("case_id", models.CharField(blank=True, max_length=64)),
                ("purpose", models.CharField(blank=True, max_length=200)),
                ("grant_id", models.CharField(blank=True, max_length=64)),
                (
                    "outcome",
                    models.CharField(
                        choices=[("allowed", "Allowed"), ("denied", "Denied"), ("error", "Error")],
                        max_length=8,
                    ),
                ),
                ("request_id", models.CharField(blank=True, max_length=64)),
                ("ip", models.GenericIPAddressField(blank=True, null=True)),
                (
                    "prev_hash",
                    models.CharField(
                        default="0000000000000000000000000000000000000000000000000000000000000000",
                        max_length=64,
                    ),
                ),
                ("hash", models.CharField(max_length=64, unique=True)),
                (
                    "actor",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="audit_events",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "db_table": "audit_auditevent",
                "managed": True,
                "base_manager_name": "objects",
                "indexes": [
                    models.Index(fields=["case_id", "seq"], name="audit_case_seq"),
                    models.Index(fields=["object_type", "object_id"], name="audit_object"),
                ],
            },
        ),
    ]
