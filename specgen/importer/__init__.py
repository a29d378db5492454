"""OpenAPI document -> catalog: `specgen import` reads the error responses a document already
has (per operation and under components.responses) and writes the catalog they make, with
attach rules that select the operations that had each response.

Descriptions, examples and names in the document are third-party text: they become catalog
text, which every output treats as untrusted. May import: `output` (to write the catalog and
its JSON Schema), `catalog`, `openapi`, `text`, `errors`.
"""
