"""lianfang: queries."""
