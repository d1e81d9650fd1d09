"""The analytics warehouse stream (docs/analytics.md).

Domain events are written de-identified to an outbox table in the same transaction as the
change that causes them (``services.outbox_emit``); a scheduled task ships them as Parquet
files to the central warehouse location (``shipping.warehouse_ship_pending``). Nothing
flows back.
"""
