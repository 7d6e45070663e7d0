"""lianfang: the graph schema and the stores that hold it."""
