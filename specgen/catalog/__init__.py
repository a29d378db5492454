"""The catalog: its Pydantic models, loading with source positions, schema resolution, the
status code registry, attach rules, and the checks that make a catalog usable.

May import: `text`, `errors`.
"""
