"""Catalog to live API: replay every example's request against a running server and compare
what comes back with what the catalog documents (`specgen verify`).

`plan` turns transcripts into exchanges (what to send, what to expect), `client` sends them
with httpx, pinned to the base URL's origin, `compare` names each deviation as expected versus
received, `report` writes text, JSON and JUnit XML with secrets redacted.

May import: `output`, `docs`, `openapi`, `http`, `catalog`, `text`, `errors`; never click.
"""
