import uuid

from django.db import migrations, models

import tenants.encryption.fields


class Migration(migrations.Migration):
    dependencies = [("encryption_testapp", "0001_initial")]

    operations = [
        migrations.CreateModel(
            name="Plan",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("public_id", models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                (
                    "terms",
                    tenants.encryption.fields.EncryptedJSONField(blank=True, default=dict),
                ),
            ],
        ),
    ]
