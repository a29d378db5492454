"""Writing to disk: atomic, deterministic writes, `build` of every output into a folder, the
starter files of `init`, and the forked second process that shares the work.

May import: `docs`, `openapi`, `http`, `catalog`, `text`, `errors`.
"""
