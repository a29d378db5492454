"""Catalog to HTTP/1.1: byte-correct request and response transcripts, and curl commands.

May import: `catalog`, `text`, `errors`.
"""
