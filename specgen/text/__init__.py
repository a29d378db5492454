"""Text output shared by every stage: stable JSON and YAML dumpers and the one jinja2 environment.

May import: nothing of specgen but `errors`.
"""
