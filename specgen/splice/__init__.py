"""Merging into existing OpenAPI documents: the document is text plus a parse; scanners find
where things are in JSON and YAML, the plan splices additions in, and overlays describe them.

Named `splice` so that `specgen.merge` stays the public function. May import: `output`, `docs`,
`openapi`, `http`, `catalog`, `text`, `errors`.
"""
