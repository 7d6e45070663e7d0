"""lianfang: api."""
