"""Catalog to OpenAPI: the components fragment (3.1, and 3.0 by down-conversion) and the
lifting of schema definitions into components.

May import: `catalog`, `text`, `errors`.
"""
