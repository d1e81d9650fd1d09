"""The intake wizard: eight steps, each a form saved to the draft on every POST."""
