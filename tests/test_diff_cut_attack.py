"""`specgen diff` cuts a YAML catalog into its problem types' texts before parsing
(specgen.diff.spans): hand-written YAML that the cut may misread still gives the report, or the
refusal, of the two catalogs loaded whole."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import assume, given
from hypothesis import strategies as st

from specgen import diff_catalogs
from specgen.catalog.load import load
from specgen.diff import spans
from specgen.diff.compare import compare
from specgen.diff.files import read_side
from specgen.diff.report import locate
from specgen.diff.spans import cut
from specgen.errors import LoadError

CODE_404 = """  404:
    reason: Not Found
    summary: Nothing is there.
    content:
      application/problem+json: {}
    problems:
      no-item:
        title: No item
        retryable: false
"""
BASE = """specgen: 1
info: {title: Cut attack, version: "1"}
problem_base: https://example.com/problems/
codes:
  400:
    reason: Bad Request
    summary: The request is wrong.
    content:
      application/problem+json: {}
    problems:
      bad-input:
        title: Bad input
        detail: The input is not what the API expects.
        retryable: false
      too-long:
        title: Too long
        retryable: false
""" + CODE_404 + """  409:
    reason: Conflict
    summary: It clashes.
    content:
      application/problem+json: {}
    problems:
      clash:
        title: Clash
        retryable: true
"""
BAD_INPUT = "        detail: The input is not what the API expects.\n"
TOO_LONG = "        title: Too long\n"
NO_ITEM = "        title: No item\n"
CLASH = "        title: Clash\n"
AFTER_400 = "  404:\n"

FLOW_FIELDS = """reason: Not Found, summary: Nothing is there.,
    content: {application/problem+json: {}},
    problems:
      no-item:
        title: No item
        retryable: false
  }
"""


def _edit(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def _retitled(text: str) -> str:
    """The same catalog with one change diff reports (clash's title)."""
    return _edit(text, CLASH, "        title: Clashing\n")


def _outcome(compare_: Callable[[str, str], Any], old: Path, new: Path) -> tuple[str, Any]:
    """What a comparison reports, or the first problem of its refusal."""
    try:
        return "reported", compare_(str(old), str(new))
    except LoadError as exc:
        return "refused", str(exc).splitlines()[0]


def _full(old: str, new: str) -> Any:
    """The comparison of the two catalogs loaded whole (validated and checked)."""
    before, after = load(old), load(new)
    return locate(compare(before.catalog, after.catalog), before.locate, after.locate)


def _same_outcome(old_text: str | bytes, new_text: str | bytes, folder: Path) -> tuple[str, Any]:
    """diff's outcome for the two texts, asserted to be the full comparison's."""
    old, new = folder / "old.yaml", folder / "new.yaml"
    for path, text in ((old, old_text), (new, new_text)):
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    found = _outcome(diff_catalogs, old, new)
    assert found == _outcome(_full, old, new)
    return found


# (how both files are written, whether the cut still cuts something) for text the cut must
# read right; the new file also retitles one problem type, so there is a change to report.
ATTACKS: dict[str, tuple[Callable[[str], str], bool]] = {
    "comments at odd indentations": (lambda text: _edit(_edit(_edit(
        text, TOO_LONG, "# column 0\n   # between the fields and the entries\n"
        + TOO_LONG + "          # deeper than the fields\n"),
        AFTER_400, " # one space\n" + AFTER_400),
        NO_ITEM, NO_ITEM + "      # at the entries' indentation\n"), True),
    "blank lines of spaces": (lambda text: _edit(_edit(
        text, TOO_LONG, "   \n" + TOO_LONG + "                   \n\n"), NO_ITEM, NO_ITEM + "  \n"),
        True),
    "multi-line plain scalar": (lambda text: _edit(
        text, BAD_INPUT, "        detail: The input\n          is not what\n\n"
        "          the API expects.\n"), True),
    "quoted scalar continued at the slugs' indentation": (lambda text: _edit(
        text, BAD_INPUT, '        detail: "The input\n      is not\n  what it expects"\n'), True),
    "single-quoted scalar continued below the fields": (lambda text: _edit(
        text, BAD_INPUT, "        detail: 'The input''s\n   # not a comment\n  wrong'\n"), True),
    "quoted scalar continued at column 0": (lambda text: _edit(
        text, BAD_INPUT, '        detail: "The input\ncodes: is wrong"\n'), False),
    "block scalars with indicators": (lambda text: _edit(_edit(
        text, BAD_INPUT, "        detail: |2\n            indented more\n          text\n"
        "        # a comment\n"), NO_ITEM, "        title: >-\n          No\n          item\n\n"),
        True),
    "a kept block scalar ends a mapping": (lambda text: _edit(
        text, "        retryable: true\n", "        retryable: true\n        detail: |+\n"
        "          kept\n\n   \n"), True),
    "flow collections across lines": (lambda text: _edit(_edit(
        text, BAD_INPUT, "        extensions: {properties: {kind: {enum: [one,\n"
        "            two]}}}\n"), NO_ITEM, NO_ITEM + "        causes: [\n          one,\n"
        "          two\n          ]\n"), True),
    "keys quoted or complex in a problem type": (lambda text: _edit(
        text, BAD_INPUT, '        "detail": The input.\n        ? retry\n        : Later.\n'),
        True),
    "merge keys": (lambda text: _edit(_edit(
        text, "        retryable: true\n", "        <<: {retryable: true, detail: Merged.}\n"),
        "    summary: Nothing is there.\n", "    <<: {summary: Nothing is there.}\n"), True),
    "tags": (lambda text: _edit(_edit(
        text, TOO_LONG, "        title: !!str Too long\n"),
        "      no-item:\n", "      no-item: !!map\n"), True),
    "document markers": (lambda text: "--- # the catalog\n" + text + "...\n", True),
    "a trailing comment after problems and codes": (lambda text: _edit(_edit(
        text, "codes:\n", "codes:   # by status\n"),
        "    problems:\n      no-item", "    problems: # the types\n      no-item"), True),
    "quoted codes": (lambda text: _edit(_edit(
        text, "  400:\n", '  "400":\n'), "  404:\n", "  '404':\n"), True),
    "no newline at the end": (lambda text: text.rstrip("\n"), True),
    "a very long line": (lambda text: _edit(
        text, BAD_INPUT, "        detail: " + "long " * 40_000 + "\n"), True),
    "a long slug": (lambda text: _edit(text, "      too-long:\n", "      " + "t" * 1000 + ":\n"),
                    True),
    "block nesting near the limit": (lambda text: _edit(
        text, BAD_INPUT, "        extensions:\n" + "".join(
            f"{' ' * (10 + 2 * depth)}p{depth}:\n" for depth in range(92)) + " " * 194 + "x: 1\n"),
        True),
    "flow nesting at the limit": (lambda text: _edit(
        text, BAD_INPUT, "        extensions:\n          x-deep: " + "[" * 95 + "]" * 95 + "\n"),
        True),
    "a code in flow style": (lambda text: _edit(
        text, CODE_404, "  404: {reason: Not Found, summary: Nothing is there., content:"
        " {application/problem+json: {}},\n    problems: {no-item: {title: No item}}}\n"), True),
    "a comment after the document end": (lambda text: text + "...\n# the end\n", True),
    "anchors and aliases": (lambda text: _edit(
        text, TOO_LONG, "        title: &t Too long\n        detail: *t\n"), False),
    "byte order mark": (lambda text: "\ufeff" + text, False),
    "a line separator in a comment": (lambda text: _edit(
        text, BAD_INPUT, BAD_INPUT + "        # one\u2028        # two\n"), False),
    "a next line in a comment": (lambda text: _edit(
        text, NO_ITEM, NO_ITEM + "    # one\u0085  # two\n"), False),
}


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("where", ["both", "new"])
def test_odd_yaml_is_compared_as_loaded_whole(attack: str, where: str, tmp_path: Path) -> None:
    """Written in both files (the problem types alike compared by text) or in the new one
    only (those parsed alone, with their positions), diff reports what the full comparison
    does."""
    write, cuts = ATTACKS[attack]
    old = write(BASE) if where == "both" else BASE
    new = _retitled(write(BASE))
    assert (cut(new.encode("utf-8")) is not None) == cuts
    kind, found = _same_outcome(old, new, tmp_path)
    assert kind == "reported"
    assert len(found) >= 1


# Text the full read refuses: diff refuses it too, with the same first problem, whether the
# broken part is in a problem type that changed or in what the cut leaves to parse.
REFUSED: dict[str, Callable[[str], str]] = {
    "a null between the fields' and the entries' indentation": lambda text: _edit(
        text, AFTER_400, "     ~\n" + AFTER_400),
    "a tagged null there": lambda text: _edit(text, AFTER_400, "     !!null ''\n" + AFTER_400),
    "a null there after a byte order mark": lambda text: _edit(
        text, AFTER_400, "\ufeff    ~\n" + AFTER_400),
    "a code written as a flow mapping across lines": lambda text: _edit(
        text, CODE_404, "  404: {" + FLOW_FIELDS),
    "a code's flow mapping opened on its own line": lambda text: _edit(
        text, CODE_404, "  404:\n    {" + FLOW_FIELDS),
    "codes in a flow mapping": lambda text: _edit(text, "codes:\n", "codes:\n  {\n") + "  }\n",
    "an undefined alias after a duplicate key": lambda text: _edit(_edit(
        text, TOO_LONG, TOO_LONG + "        title: Again\n"), NO_ITEM, "        title: *item\n"),
    "an undefined alias after an unsupported tag": lambda text: _edit(_edit(
        text, TOO_LONG, "        title: !!binary VG9v\n"),
        NO_ITEM, "        title:\n          *item\n"),
    "flow nesting past libyaml's limit": lambda text: _edit(
        text, BAD_INPUT, "        extensions: " + "[" * 996 + "]" * 996 + "\n"),
    "flow nesting past ours": lambda text: _edit(
        text, BAD_INPUT, "        extensions:\n          x-deep: " + "[" * 96 + "]" * 96 + "\n"),
    "block nesting past ours": lambda text: _edit(
        text, BAD_INPUT, "        extensions:\n" + "".join(
            f"{' ' * (10 + 2 * depth)}p{depth}:\n" for depth in range(97)) + " " * 204 + "x: 1\n"),
    "problems twice in a code": lambda text: _edit(
        text, "    problems:\n      no-item:\n",
        "    problems:\n      other:\n        title: Other\n    problems:\n      no-item:\n"),
    "a slug longer than a simple key may be": lambda text: _edit(
        text, "      too-long:\n", "      " + "t" * 2000 + ":\n"),
    "a slug twice in a mapping": lambda text: _edit(
        text, "      too-long:\n", "      bad-input:\n"),
    "a code as a hexadecimal number": lambda text: _edit(text, "  404:\n", "  0x194:\n"),
    "several documents": lambda text: text + "---\nspecgen: 1\n",
    "a document end inside a problem type": lambda text: _edit(
        text, BAD_INPUT, BAD_INPUT + "...\n"),
    "a NUL byte": lambda text: _edit(text, "No item", "No\x00item"),
    "a control character in a problem type": lambda text: _edit(text, "No item", "No\x07item"),
    "problems glued to a comment": lambda text: _edit(
        text, "    problems:\n      no-item", "    problems:#x\n      no-item"),
    "a tab in a problem type's indentation": lambda text: _edit(
        text, TOO_LONG, "\t" + TOO_LONG),
}


@pytest.mark.parametrize("attack", REFUSED)
def test_what_the_full_read_refuses_diff_refuses_alike(attack: str, tmp_path: Path) -> None:
    kind, _ = _same_outcome(BASE, _retitled(REFUSED[attack](BASE)), tmp_path)
    assert kind == "refused"


# Problem type slugs YAML reads as something else than text (or not: 1e3 and 0o7 are text in
# YAML 1.1), and codes spelt otherwise.
@pytest.mark.parametrize("slug", ["yes", "null", "1e3", "0o7", "2024-01-01", "409", "'x'",
                                  '"quoted"', "~", "true", "1_000", "a.b-c"])
def test_slugs_yaml_may_read_as_other_values_are_compared_as_loaded_whole(
    slug: str, tmp_path: Path
) -> None:
    renamed = _edit(BASE, "      clash:\n", f"      {slug}:\n")
    _same_outcome(renamed, _retitled(renamed), tmp_path)
    _same_outcome(BASE, _retitled(renamed), tmp_path)


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\u0085"])
def test_a_line_break_only_yaml_knows_does_not_shift_positions(
    separator: str, tmp_path: Path
) -> None:
    """libyaml ends a line (and a comment) at NEL, LS and PS: a comment holding one may hold
    a problem type, and every later position counts it."""
    hidden = _edit(BASE, TOO_LONG, TOO_LONG + f"      # a comment{separator}      hidden:\n"
                   "        title: Hidden\n")
    assert cut(hidden.encode("utf-8")) is None
    kind, found = _same_outcome(BASE, hidden, tmp_path)
    assert (kind, [c.change.rule.id for c in found]) == ("reported", ["problem-added"])
    kind, found = _same_outcome(hidden, _retitled(hidden), tmp_path)
    assert found[0].new.line == BASE.splitlines().index(CLASH.rstrip("\n")) + 4


def test_an_alias_bomb_is_refused_as_loaded_whole(tmp_path: Path) -> None:
    bomb = "".join(f"      l{n}: &l{n} [" + ", ".join([f"*l{n - 1}"] * 9) + "]\n"
                   for n in range(1, 9))
    bombed = _edit(BASE, "        retryable: true\n", "        retryable: true\n"
                   "        extensions:\n          x: &l0 [1]\n"
                   + bomb.replace("      ", "          "))
    kind, found = _same_outcome(BASE, bombed, tmp_path)
    assert kind == "refused" and "alias bomb" in found


# Text mutations that keep a catalog valid YAML (or break it, alike for both readers): the
# cut must find the problem types the parser finds, wherever comments, blank lines, quotes and
# indentation fall.
def _comment(lines: list[str], where: int, indent: int) -> None:
    lines.insert(where, " " * indent + "# " + "c" * (indent % 3))


def _blank(lines: list[str], where: int, indent: int) -> None:
    lines.insert(where, " " * indent)


def _quote(lines: list[str], where: int, style: int) -> None:
    """A plain text value written quoted (same text), or folded onto a second line."""
    line = lines[where]
    key, colon, value = line.partition(": ")
    if not colon or not value or value[0] in "{['\"!&*|>" or not key.strip().isidentifier():
        return
    indent = len(key) - len(key.lstrip(" ")) + 2
    if style == 0:
        lines[where] = f"{key}: '{value}'"
    elif style == 1:
        lines[where] = f'{key}: "{value}"'
    elif " " in value:
        first, rest = value.split(" ", 1)
        lines[where:where + 1] = [f"{key}: {first}", " " * indent + rest]


def _reindent(lines: list[str], where: int, more: int) -> None:
    """The block under a key line indented by `more` spaces more (the same data)."""
    head = lines[where]
    if not head.rstrip().endswith(":") or "#" in head:
        return
    indent = len(head) - len(head.lstrip(" "))
    end = where + 1
    while end < len(lines) and (not lines[end].strip()
                                or len(lines[end]) - len(lines[end].lstrip(" ")) > indent):
        end += 1
    for index in range(where + 1, end):
        if lines[index].strip():
            lines[index] = " " * more + lines[index]


MUTATIONS = [_comment, _blank, _quote, _reindent]


@given(
    mutations=st.lists(st.tuples(st.sampled_from(range(len(MUTATIONS))), st.integers(0, 10**6),
                                 st.integers(0, 12)), min_size=1, max_size=6),
    both=st.booleans(),
    retitle=st.booleans(),
)
def test_mutated_text_is_compared_as_loaded_whole(
    mutations: list[tuple[int, int, int]], both: bool, retitle: bool, tmp_path_factory: Any
) -> None:
    """The old file is the plain catalog, or the mutated one when that still loads (a mistake
    in a problem type written alike is not diff's to find); the new file is mutated (and
    perhaps retitled): whatever the text, diff's outcome is the full comparison's."""
    lines = (_retitled(BASE) if retitle else BASE).split("\n")
    for which, where, amount in mutations:
        MUTATIONS[which](lines, where % (len(lines) - 1) + 1, amount)
    new = "\n".join(lines)
    folder = tmp_path_factory.mktemp("mutated")
    if both:
        (folder / "shared.yaml").write_text(new.replace("Clashing", "Clash"), encoding="utf-8")
        assume(_outcome(_full, folder / "shared.yaml", folder / "shared.yaml")[0] == "reported")
    _same_outcome(new.replace("Clashing", "Clash") if both else BASE, new, folder)


def test_mutations_keep_most_catalogs_cut_and_valid(tmp_path: Path) -> None:
    """The property above does test the cut: most mutated catalogs still load and are cut."""
    chooser = random.Random(7)
    cut_and_valid = 0
    for _ in range(40):
        lines = BASE.split("\n")
        for _ in range(4):
            which = chooser.randrange(len(MUTATIONS))
            MUTATIONS[which](lines, chooser.randrange(1, len(lines)), chooser.randrange(13))
        text = "\n".join(lines)
        found = cut(text.encode("utf-8"))
        if found is not None and found.mappings:
            path = tmp_path / "c.yaml"
            path.write_text(text, encoding="utf-8")
            try:
                load(path)
            except LoadError:
                continue
            cut_and_valid += 1
    assert cut_and_valid >= 20


# Lines of YAML, right or wrong, that the mutations above do not write.
JUNK = ["~", "- x", '"', "'", "{", "}", "[", "]", "...", "---", "? a", ": b", "*a", "!!str", "|",
        ">", "x: y", "x:", "title: T", "retryable: true", "a: 'b", "  c'", '"d', '  e"', "#",
        "x: [1,", "  2]", "x: {a: 1,", "  b: 2}", "<<: {detail: M}", "!!map", "- - y", "null",
        "p: |2", "   q", "|+", "z: !!binary QQ==", "w: *al", "t:\tx", "problems:", "400:",
        "codes:", "       ", "s: 'it''s", "   ok'", 's: "a\\', '  b"', "detail: >-", "  folded"]


@given(
    junk=st.lists(st.tuples(st.sampled_from(JUNK), st.integers(0, 10**6), st.integers(0, 11)),
                  min_size=1, max_size=3),
    both=st.booleans(),
)
def test_junk_lines_are_refused_or_compared_as_loaded_whole(
    junk: list[tuple[str, int, int]], both: bool, tmp_path_factory: Any
) -> None:
    """Lines of YAML inserted anywhere, at any indentation, in the new file (then every
    problem type they touch differs from the old file's) or in both files (when the old one
    still loads): diff refuses or reports what the full comparison does."""
    lines = BASE.split("\n")
    for text, where, indent in junk:
        lines.insert(where % (len(lines) - 1) + 1, " " * indent + text)
    shared = "\n".join(lines)
    folder = tmp_path_factory.mktemp("junk")
    if both:
        (folder / "shared.yaml").write_text(shared, encoding="utf-8")
        assume(_outcome(_full, folder / "shared.yaml", folder / "shared.yaml")[0] == "reported")
    _same_outcome(shared if both else BASE, _retitled(shared), folder)


SCHEMAS = """problem_base: https://example.com/problems/
schemas:
  Extra:
    type: object
    properties:
      trace_id: {type: string}
"""


@pytest.mark.parametrize("ref", ['"\\x24ref"', '"\\u0024ref"', '"\\U00000024ref"', '"$\\\n  ref"',
                                 "$ref", "'$ref'"])
def test_a_ref_written_with_escapes_still_ties_a_problem_type_to_the_schemas(
    ref: str, tmp_path: Path
) -> None:
    """A problem type written alike in both files is left out unless what it refers to
    changed: its `$ref`, however YAML lets it be spelt, is found in its text."""
    refers = _edit(_edit(BASE, "problem_base: https://example.com/problems/\n", SCHEMAS),
                   CLASH, CLASH + "        extensions:\n          allOf:\n          - ? "
                   + ref.replace("\n", "\n          ")
                   + "\n            : '#/components/schemas/Extra'\n")
    changed = _edit(refers, "{type: string}", "{type: integer}")
    assert cut(changed.encode("utf-8")) is not None
    kind, found = _same_outcome(refers, changed, tmp_path)
    assert (kind, [c.change.rule.id for c in found]) == ("reported", ["field-type-changed"])


# The new file is cut knowing the texts of the old file's problem types, which are not checked
# again (spans.cut's `known`): only pieces the old file's cut found whole are known.
RUNS_ON = ("        title: Bad input\n        detail: The input is not what the API expects.\n"
           "        retryable: false\n      too-long:\n        title: Too long\n")


def test_only_what_the_old_file_was_cut_into_is_known(tmp_path: Path) -> None:
    """bad-input's title runs on across the next key line in both files: the old file is not
    cut under 400, so bad-input's text is not known when the new file is cut, and is checked:
    the report is about bad-input, not too-long."""
    old = _edit(BASE, RUNS_ON,
                '        title: "Bad input\n      too-long:\n        title: Too long"\n')
    new = _edit(old, 'Too long"\n', 'Too short"\n')
    known = read_side("old.yaml", old.encode("utf-8"), tmp_path).pieces()
    assert known and not any(piece.startswith(b"      bad-input:") for piece in known)
    kind, found = _same_outcome(old, new, tmp_path)
    assert (kind, [(c.change.subject, c.change.rule.id) for c in found]) == (
        "reported", [("problem bad-input", "problem-title-changed")])


def test_the_new_file_is_cut_checking_only_what_the_old_file_does_not_write_alike(
    tmp_path: Path,
) -> None:
    new = _retitled(BASE).encode("utf-8")
    known = read_side("old.yaml", BASE.encode("utf-8"), tmp_path).pieces()
    assert len(known) == 4
    with mock.patch("specgen.diff.spans._whole", wraps=spans._whole) as whole:
        assert cut(new, known) is not None
    assert [call.args[0].split(b":")[0].strip() for call in whole.call_args_list] == [b"clash"]


@given(st.from_regex(r"\A[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
       | st.sampled_from(["true", "Yes", "on", "OFF", "null", "Null", "404", "1e3", "0x1F",
                          "1_000", ".5", "0o17", "2001-12-14", "n", "y", "error-1"]))
def test_a_slug_is_text_exactly_where_the_yaml_loader_reads_it_as_text(slug: str) -> None:
    """The cut looks a slug's tag up as the loader does, trying no resolver where none is
    listed under its first character."""
    from yaml.resolver import Resolver

    assert spans._resolved(slug) == Resolver().resolve(yaml.ScalarNode, slug, (True, False))
