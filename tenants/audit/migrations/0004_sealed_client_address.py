"""The client address of every audit event, sealed (tenants/audit/ip.py).

The column becomes text (PostgreSQL: ``host(ip)``, the address without its ``/32``), then
each plain address is sealed for its row (backwards: opened, and the column inet again). The table is append-only, so on PostgreSQL the
row trigger is switched off for this one statement's duration, inside the migration's
transaction, and on again before it commits. The chain's hashes cover the address itself,
not its sealed form, so every row keeps its hash and every anchor still matches.
"""

from django.db import migrations, models

from tenants.audit.ip import SEALED_PREFIX, UNREADABLE, ip_open, ip_seal

TO_TEXT = "ALTER TABLE audit_auditevent ALTER COLUMN ip TYPE text USING host(ip)"
TO_INET = "ALTER TABLE audit_auditevent ALTER COLUMN ip TYPE inet USING ip::inet"
TRIGGER = "audit_event_no_update_delete"
SELECT = "SELECT seq, ip FROM audit_auditevent WHERE ip IS NOT NULL AND seq > %s ORDER BY seq"
UPDATE = "UPDATE audit_auditevent SET ip = %s WHERE seq = %s"


def _plain_rows(cursor, size: int = 2000):
    """Rows holding an address, ``size`` at a time."""
    after = 0
    while rows := _fetched(cursor, f"{SELECT} LIMIT {size}", [after]):
        after = rows[-1][0]
        yield from rows


def _fetched(cursor, sql: str, params: list) -> list:
    cursor.execute(sql, params)
    return cursor.fetchall()


def _rewrite(schema_editor, change, to_type: str) -> None:
    connection = schema_editor.connection
    postgresql = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgresql and to_type == TO_TEXT:
            cursor.execute(TO_TEXT)
        if postgresql:
            cursor.execute(f"ALTER TABLE audit_auditevent DISABLE TRIGGER {TRIGGER}")
        for seq, ip in _plain_rows(cursor):
            new = change(seq, ip)
            if new != ip:
                cursor.execute(UPDATE, [new, seq])
        if postgresql:
            cursor.execute(f"ALTER TABLE audit_auditevent ENABLE TRIGGER {TRIGGER}")
            if to_type == TO_INET:
                cursor.execute(TO_INET)


def _sealed(seq: int, ip: str) -> str:
    return ip if ip.startswith(SEALED_PREFIX) else ip_seal(seq, ip)


def _opened(seq: int, ip: str) -> str:
    address = ip_open(seq, ip)
    if address == UNREADABLE:
        raise ValueError(f"audit row {seq}: its sealed address does not decrypt")
    return address


def seal_addresses(apps, schema_editor):
    _rewrite(schema_editor, _sealed, TO_TEXT)


def open_addresses(apps, schema_editor):
    _rewrite(schema_editor, _opened, TO_INET)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0003_keyed_chain"),
        ("encryption", "0001_initial"),
    ]

    operations = [
        # The model is unmanaged: this changes the state only; seal_addresses changes the table.
        migrations.AlterField("auditevent", "ip", models.TextField(blank=True, null=True)),
        migrations.RunPython(seal_addresses, open_addresses, elidable=False),
    ]
