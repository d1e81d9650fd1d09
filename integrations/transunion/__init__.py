"""TransUnion: soft-pull credit reports over the TUNA XML service (version 2.33)."""
