"""lianfang: viz."""
