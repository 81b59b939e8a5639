"""curate: curate versioned news corpora (readers, cleaning, extraction, dedup, validation)."""

__version__ = "0.1.0"
