"""lianfang: the annual review, snapshots and drift, and public disclosure."""
