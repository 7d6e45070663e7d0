"""lianfang: ingest."""
