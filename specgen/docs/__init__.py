"""Catalog to documentation: the Markdown pages of the MkDocs site (index, one page per code,
reference), schema tables, links between codes, and the Markdown escaping of catalog text.

May import: `openapi`, `http`, `catalog`, `text`, `errors`.
"""
