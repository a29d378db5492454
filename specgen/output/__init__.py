"""Writing to disk: atomic, deterministic writes that never leave their target (`tree` for
folders, `files` for single files), `build` of every output into a folder (all or nothing,
under a `lock`), the starter files of `init`, and the forked second process that shares the work.

May import: `docs`, `openapi`, `http`, `catalog`, `text`, `errors`.
"""

DEFAULT_OUT = "build/specgen"
"""Where `specgen build` writes when given no `--out`."""
