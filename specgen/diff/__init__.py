"""Catalog x catalog: what changed for the API's consumers between two versions of a catalog,
one entry per change at the level consumers think in (codes, problem types, body fields,
headers, media types, retry advice, deprecation), each with a severity from the rule table.

May import: `docs` (for the Markdown of catalog text), `openapi`, `http`, `catalog`, `text`,
`errors`.
"""

from __future__ import annotations
