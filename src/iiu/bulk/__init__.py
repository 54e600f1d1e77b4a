"""Bulk work (DESIGN §4 ``bulk/``): imports, the office audit and the post-conviction review queue.

The same rules as the single-case engine, applied once per distinct key with DuckDB doing the
row work (validation, joins, window sums over each person's records). See ``engine.py``.
"""
