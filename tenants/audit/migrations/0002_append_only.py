"""Makes the audit table append-only.

In PostgreSQL a trigger refuses UPDATE, DELETE and TRUNCATE of audit_auditevent,
whatever the client (the app, a psql session, a cascade). SQLite, the embedded local
default, gets no trigger. The model then becomes unmanaged, so Django's test flushes
(TRUNCATE of every managed table) leave the table alone instead of tripping the trigger.
"""

from django.db import migrations

INSTALL = """
CREATE OR REPLACE FUNCTION audit_event_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_auditevent is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER audit_event_no_update_delete
    BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_refuse_change();
CREATE TRIGGER audit_event_no_truncate
    BEFORE TRUNCATE ON audit_auditevent
    FOR EACH STATEMENT EXECUTE FUNCTION audit_event_refuse_change();
"""

REMOVE = """
DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_auditevent;
DROP TRIGGER IF EXISTS audit_event_no_update_delete ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_refuse_change();
"""


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql, params=None)  # no params: % is PL/pgSQL here

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(_on_postgresql(INSTALL), _on_postgresql(REMOVE), elidable=False),
        migrations.AlterModelOptions(
            name="auditevent",
            options={"base_manager_name": "objects", "managed": False},
        ),
    ]
