"""The one jinja2 Environment: templates shipped with specgen, overridable by the user's own."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined

from .jsondump import to_json
from .yamldump import to_yaml


def templates_dir() -> Path:
    """The built-in templates: inside the installed wheel, or the repository's templates/."""
    packaged = Path(str(files("specgen"))) / "templates"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


def dump_yaml(data: Any) -> str:
    """YAML in block style, keys in the order given, unicode kept readable."""
    return to_yaml(data)


def dump_json(data: Any) -> str:
    """JSON with a stable layout: two-space indent, unicode kept readable."""
    return to_json(data, 2)


FILTERS: dict[str, Callable[..., Any]] = {
    "to_yaml": dump_yaml,
    "to_json": dump_json,
}


@cache
def environment(user_dir: Path | None = None) -> Environment:
    """The Environment for specgen's templates, with `user_dir` searched first when given."""
    loaders = [FileSystemLoader(str(user_dir))] if user_dir else []
    loaders.append(FileSystemLoader(str(templates_dir())))
    env = Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        # Templates do not change during a run; checking their files at every render costs a
        # stat per transcript on big catalogs.
        auto_reload=False,
    )
    env.filters.update(FILTERS)
    return env


def render(template: str, user_dir: Path | None = None, **context: Any) -> str:
    """Render one template by name, e.g. 'http/response.http.jinja'."""
    return environment(user_dir).get_template(template).render(**context)
