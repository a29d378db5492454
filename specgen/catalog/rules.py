"""Attach rules: which operations of an OpenAPI document a status code's response goes on."""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
PLACES = ("webhooks", "callbacks")
"""Where operations live besides `paths`; a rule reaches them only when it names the place."""
RULE_HELP = (
    "a rule is one or more terms joined by ',' (all must match): 'all', 'secured',"
    " 'tag:NAME', 'path:GLOB', 'method:VERB', and 'webhooks' or 'callbacks' to select those"
    " operations instead of the ones under paths; give several rules to attach where any matches"
)


@dataclass(frozen=True)
class Operation:
    """What a rule can see of an operation."""

    path: str
    method: str
    tags: tuple[str, ...]
    secured: bool
    place: str = "paths"  # or one of PLACES


@dataclass(frozen=True)
class Term:
    """One condition: kind is all, secured, tag, path, method, webhooks or callbacks."""

    kind: str
    arg: str = ""

    def matches(self, op: Operation) -> bool:
        """Whether the operation satisfies this condition."""
        if self.kind == "all":
            return True
        if self.kind == "secured":
            return op.secured
        if self.kind == "tag":
            return self.arg in op.tags
        if self.kind == "path":
            return fnmatch.fnmatchcase(op.path, self.arg)
        if self.kind in PLACES:
            return op.place == self.kind
        return op.method == self.arg


@dataclass(frozen=True)
class Rule:
    """Terms that must all match; its text is kept for messages."""

    text: str
    terms: tuple[Term, ...]

    def matches(self, op: Operation) -> bool:
        """Whether every term matches the operation (a webhook or callback only for a rule
        that names its place)."""
        return self.place == op.place and all(term.matches(op) for term in self.terms)

    @property
    def place(self) -> str:
        """Where the operations this rule selects live."""
        return next((term.kind for term in self.terms if term.kind in PLACES), "paths")


_GLOB = frozenset("*?[")


def any_matches(rules: tuple[Rule, ...]) -> Callable[[Operation], bool]:
    """Whether any of the rules matches an operation, as a function: the rules that name one
    exact path are looked up by the operation's path, not tried one by one (an imported
    catalog has hundreds of them, over thousands of operations)."""
    by_path: dict[str, list[Rule]] = {}
    others = []
    for rule in rules:
        path = next((t.arg for t in rule.terms if t.kind == "path" and not _GLOB & set(t.arg)),
                    None)
        if path is None:
            others.append(rule)
        else:
            by_path.setdefault(path, []).append(rule)
    return lambda op: any(rule.matches(op) for rule in [*by_path.get(op.path, ()), *others])


def parse_rule(text: str) -> Rule:
    """Parse 'secured,method:post' into a Rule; ValueError explains a bad one."""
    terms = []
    for raw in text.split(","):
        word = raw.strip()
        kind, sep, arg = word.partition(":")
        if not sep and kind in ("all", "secured", *PLACES):
            terms.append(Term(kind))
        elif sep and kind in ("tag", "path") and arg:
            terms.append(Term(kind, arg))
        elif sep and kind == "method" and arg.lower() in METHODS:
            terms.append(Term(kind, arg.lower()))
        else:
            raise ValueError(f"bad attach rule {text!r} at {word!r}{_guess(word)}: {RULE_HELP}")
    return Rule(text, tuple(terms))


def _guess(word: str) -> str:
    """' (did you mean ...?)' for a term close to one that exists ('secure', 'tags:x',
    'method:gett'), else ''."""
    import difflib

    kind, sep, arg = word.partition(":")
    if sep and kind == "method":
        close = difflib.get_close_matches(arg.lower(), sorted(METHODS), n=1)
        return f" (did you mean 'method:{close[0]}'?)" if close else ""
    choices = ("tag", "path", "method") if sep else ("all", "secured", *PLACES)
    close = difflib.get_close_matches(kind, choices, n=1)
    return f" (did you mean '{close[0]}{sep}{arg}'?)" if close else ""
