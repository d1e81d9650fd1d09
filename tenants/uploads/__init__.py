"""Consumer documents: validated, encrypted at rest, scanned, served only as attachments.

docs/uploads.md describes the pipeline; services.py is the interface for the apps above.
"""
