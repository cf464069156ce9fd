"""Every text the code looks up is defined, in Swedish and English, and a domain word only once.

The lookups are found by reading the source of walks/, ui/ and app.py with ``ast``: a
subscript of a text table (``T["status"]``, ``PROTOCOL["kind"]``), the app's ``t("key", lang)``,
``word("key", lang)`` and the reports' ``words.t("key")``. A key built at run time (an f-string,
a loop variable, a name) is worked out from where its values come from: the options of the
widget whose ``format_func`` it is, the loop's iterable, a tuple assigned in the same function,
a constant of the module. A key that cannot be worked out must be listed in ``DECLARED`` with
the values the code can give it, so a new one fails here until someone says what it can be.

The tables are read from TOML files beside the code (``walks/core/words.toml`` and each
package's ``texts.toml``): every section is read by a module beside its file, no section defines
a domain word again, the files ship with the package, and the loader refuses a broken entry.
"""

from __future__ import annotations

import ast
import fnmatch
import importlib
import itertools
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from gis.detection import FindingKind
from gis.i18n import Text, TextsFileError, texts_from_file
from walks.actions.measures import PRIORITIES
from walks.actions.retention_rules import Rule
from walks.core.model import PARTICIPANT_TITLES
from walks.core.roles import Role
from walks.core.words import WORDS, UnknownWordError, word

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(ROOT / "walks").rglob("*.py"), *(ROOT / "ui").rglob("*.py"), ROOT / "app.py"])

DECLARED: dict[tuple[str, str], Iterable[str]] = {
    # The drawing tools of the map give lines and areas; a tap is a point and draws nothing.
    ("ui/position_inputs.py", "f'drawn_{shape.geometry.geom_type}'"): ("LineString", "Polygon"),
    # Looked up only when the priority is one of PRIORITIES, as in the participants' groups.
    ("walks/documents/report_contents.py", "f'priority_{m.priority}'"): PRIORITIES,
    ("walks/documents/printing.py", "g"): PARTICIPANT_TITLES,
    ("walks/analysis/frames.py", "name"): ("distance", "radius"),
    ("ui/data_page.py", "key"): ("data_imported", "data_preview"),
    ("ui/data_page.py", "outcome"): ("data_rejected", "data_repaired"),
    ("walks/core/roles.py", "self"): tuple(Role),
    ("walks/documents/printing.py", "options.status"): ("open", "all"),
    ("walks/documents/areasmap.py", "kind"): ("resolved", "persisting", "new"),
    ("walks/actions/public.py", "verdict"): ("better", "same", "worse"),
    ("walks/actions/retention.py", "self.rule"): tuple(Rule),
    ("walks/actions/retention_rules.py", "self.rule"): tuple(Rule),
    ("ui/redaction_panel.py", "f'redact_{finding.kind.value}'"): tuple(FindingKind),
    ("walks/cli/photos.py", "item.kind.value"): tuple(FindingKind),
    ("ui/redaction_panel.py", "name"): ("redact_x", "redact_y", "redact_w", "redact_h"),
}
"""Keys the test cannot work out: (file, the key's source) → the keys, or an f-string's values."""

PASSTHROUGHS = {
    ("ui/i18n.py", "t"),
    ("walks/core/words.py", "word"),
    ("walks/documents/report_contents.py", "t"),
    ("walks/web/pages.py", "render"),  # the templates' word(): each page is rendered in a test
}
"""The lookup functions themselves: their key is checked where they are called."""


@dataclass(frozen=True)
class Lookup:
    path: str
    line: int
    source: str
    table: Mapping[str, Any]
    keys: frozenset[str] | None
    """The keys the code can look up; None when the test could not work them out."""


def is_text_table(value: object) -> bool:
    return (
        isinstance(value, Mapping)
        and len(value) > 0
        and all(isinstance(k, str) for k in value)
        and all(isinstance(v, Text) for v in value.values())
    )


def module_of(path: Path) -> ModuleType | None:
    if path.name == "app.py":
        return None  # running it would start the app; its lookups are all t(...)
    parts = path.relative_to(ROOT).with_suffix("").parts
    name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
    return importlib.import_module(name)


def lookup_functions() -> dict[object, Mapping[str, Text]]:
    from ui import i18n

    return {i18n.t: i18n.TEXTS, word: WORDS}


def report_texts() -> Mapping[str, Text]:
    from walks.documents import report_contents

    return report_contents.T


def with_parents(tree: ast.AST) -> ast.AST:
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            child.parent = node  # type: ignore[attr-defined]
    return tree


def ancestors(node: ast.AST) -> Iterator[ast.AST]:
    while (node := getattr(node, "parent", None)) is not None:
        yield node


def evaluate(expression: ast.expr, namespace: dict[str, Any]) -> Any:
    """Evaluate an expression of the project's own source against its module's names."""
    code = compile(ast.Expression(expression), "<key>", "eval")
    return eval(code, dict(namespace))  # noqa: S307 - the project's own code, read by its test


def bind(target: ast.expr, value: object) -> dict[str, object]:
    """Bind a loop target (a name, or a tuple of them) to one item of its iterable."""
    if isinstance(target, ast.Name):
        return {target.id: value}
    if isinstance(target, ast.Tuple) and isinstance(value, tuple | list):
        bound: dict[str, object] = {}
        for element, item in zip(target.elts, value, strict=True):
            bound |= bind(element, item)
        return bound
    raise ValueError(ast.unparse(target))


def local_literals(node: ast.AST) -> dict[str, object]:
    """Names the enclosing function assigns a literal (``head = ("area", "status")``)."""
    function = next(
        (a for a in ancestors(node) if isinstance(a, ast.FunctionDef | ast.AsyncFunctionDef)), None
    )
    found: dict[str, object] = {}
    for statement in ast.walk(function) if function else ():
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target = statement.targets[0]
            if isinstance(target, ast.Name):
                try:
                    found[target.id] = ast.literal_eval(statement.value)
                except ValueError:
                    continue
    return found


def bindings(node: ast.AST, namespace: dict[str, Any]) -> list[dict[str, object]]:
    """Every way the names around ``node`` can be bound: loops, and format_func lambdas."""
    used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    choices: list[list[dict[str, object]]] = []
    for parent in ancestors(node):
        loops: list[ast.comprehension | ast.For] = []
        if isinstance(parent, ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp):
            loops = parent.generators
        elif isinstance(parent, ast.For):
            loops = [parent]
        for loop in loops:
            if not used & {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}:
                continue
            items = evaluate(loop.iter, namespace)
            choices.append([bind(loop.target, item) for item in items])
        if isinstance(parent, ast.Lambda) and parent.args.args[0].arg in used:
            call = getattr(getattr(parent, "parent", None), "parent", None)
            if not (isinstance(call, ast.Call) and len(call.args) >= 2):
                message = "a lambda that is not a widget's format_func"
                raise ValueError(message)
            options = evaluate(call.args[1], namespace)
            name = parent.args.args[0].arg
            choices.append([{name: option} for option in options])
    return [
        {k: v for b in combination for k, v in b.items()}
        for combination in itertools.product(*choices)
    ]


def possible_keys(key: ast.expr, namespace: dict[str, Any]) -> frozenset[str] | None:
    if isinstance(key, ast.Constant) and isinstance(key.value, str):
        return frozenset({key.value})
    if isinstance(key, ast.IfExp):  # "dry" if dry_run else "done": either
        body, orelse = possible_keys(key.body, namespace), possible_keys(key.orelse, namespace)
        return None if body is None or orelse is None else body | orelse
    scope = namespace | local_literals(key)
    try:
        return frozenset(str(evaluate(key, scope | b)) for b in bindings(key, scope))
    except Exception:  # any failure means the test could not work the key out
        return None


def declared_keys(key: ast.expr, values: Iterable[object]) -> frozenset[str]:
    """The declared keys: the values themselves, or an f-string with its placeholder filled."""
    if not isinstance(key, ast.JoinedStr):
        return frozenset(str(v) for v in values)
    holes = [part for part in key.values if isinstance(part, ast.FormattedValue)]
    assert len(holes) == 1, ast.unparse(key)
    return frozenset(
        "".join(str(v) if part is holes[0] else str(part.value) for part in key.values)  # type: ignore[attr-defined]
        for v in values
    )


def enclosing_function(node: ast.AST) -> str | None:
    return next(
        (a.name for a in ancestors(node) if isinstance(a, ast.FunctionDef | ast.AsyncFunctionDef)),
        None,
    )


def lookups_in(
    source: str,
    path: str,
    namespace: dict[str, Any],
    functions: Mapping[object, Mapping[str, Text]],
    method_table: Mapping[str, Text] | None,
) -> Iterator[Lookup]:
    """Every lookup into a text table in ``source``, with the keys it can use."""
    tree = with_parents(ast.parse(source))
    # A local dict made of a table's items is that table (``words = {k: ... in PROTOCOL.items()}``).
    aliases: dict[str, Mapping[str, Any]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.DictComp | ast.Dict):
            target = node.targets[0]
            value = node.value
            if isinstance(value, ast.Dict):
                try:
                    table = evaluate(value, namespace)
                except Exception:  # noqa: S112 - only tables built from constants are wanted
                    continue
            else:
                iterable = value.generators[0].iter
                if not (isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute)
                        and isinstance(iterable.func.value, ast.Name)):  # fmt: skip
                    continue
                table = namespace.get(iterable.func.value.id)
            if isinstance(target, ast.Name) and is_text_table(table):
                aliases[target.id] = table
    for node in ast.walk(tree):
        table: Mapping[str, Any] | None = None
        key: ast.expr | None = None
        if isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            if isinstance(node.value, ast.Name):
                candidate = aliases.get(node.value.id, namespace.get(node.value.id))
                if is_text_table(candidate):
                    table, key = candidate, node.slice
        elif isinstance(node, ast.Call) and node.args:
            if isinstance(node.func, ast.Name) and node.func.id in namespace:
                try:
                    table = functions.get(namespace[node.func.id])
                except TypeError:  # an unhashable name is no lookup function
                    table = None
            elif isinstance(node.func, ast.Attribute) and node.func.attr == "t":
                table = method_table
            key = node.args[0] if table is not None else None
        if table is None or key is None:
            continue
        if (path, enclosing_function(node)) in PASSTHROUGHS and isinstance(key, ast.Name):
            continue
        keys = possible_keys(key, namespace)
        if keys is None and (path, ast.unparse(key)) in DECLARED:
            keys = declared_keys(key, DECLARED[path, ast.unparse(key)])
        yield Lookup(path, node.lineno, ast.unparse(key), table, keys)


def all_lookups() -> list[Lookup]:
    functions = lookup_functions()
    found: list[Lookup] = []
    for path in SOURCES:
        module = module_of(path)
        namespace = dict(vars(module)) if module else {"t": lookup_functions_t()}
        relative = path.relative_to(ROOT).as_posix()
        method = report_texts() if relative.startswith("walks/") else None
        found += lookups_in(
            path.read_text(encoding="utf-8"), relative, namespace, functions, method
        )
    return found


def lookup_functions_t() -> object:
    from ui.i18n import t

    return t


def text_tables() -> dict[str, Mapping[str, Text]]:
    """Every module-level text table of walks/ and ui/, by ``module.NAME``."""
    tables: dict[int, tuple[str, Mapping[str, Text]]] = {}
    for path in SOURCES:
        module = module_of(path)
        for name, value in vars(module).items() if module else ():
            if name.isupper() and is_text_table(value):
                tables.setdefault(id(value), (f"{module.__name__}.{name}", value))
    return dict(tables.values())


LOOKUPS = all_lookups()


def test_the_test_finds_the_lookups_of_every_kind() -> None:
    sources = {lookup.source for lookup in LOOKUPS}
    assert {"'status'", "f'priority_{p}'", "f'group_{group}'", "key"} <= sources
    assert len(LOOKUPS) > 300


def test_every_key_the_code_can_build_is_worked_out_or_declared() -> None:
    unknown = [f"{x.path}:{x.line}: {x.source}" for x in LOOKUPS if x.keys is None]
    assert not unknown, "Say in DECLARED which keys these can be:\n" + "\n".join(unknown)


def test_every_key_looked_up_is_defined() -> None:
    missing = [
        f"{x.path}:{x.line}: {x.source} → {key!r}"
        for x in LOOKUPS
        for key in sorted(x.keys or ())
        if key not in x.table
    ]
    assert not missing, "Looked up but not defined:\n" + "\n".join(missing)


def test_every_f_string_key_has_keys_with_its_prefix() -> None:
    for lookup in (x for x in LOOKUPS if x.source.startswith("f")):
        prefix = re.match(r"f['\"]([^{]*)", lookup.source)
        assert prefix, lookup
        assert any(k.startswith(prefix.group(1)) for k in lookup.table), lookup


def test_every_declared_key_is_still_in_the_code() -> None:
    sites = {(x.path, x.source) for x in LOOKUPS}
    stale = [site for site in DECLARED if site not in sites]
    assert not stale


@pytest.mark.parametrize("name", sorted(text_tables()))
def test_every_text_has_swedish_and_english(name: str) -> None:
    empty = [
        k for k, text in text_tables()[name].items() if not text.sv.strip() or not text.en.strip()
    ]
    assert not empty


def test_no_table_defines_a_domain_word_again() -> None:
    """A word of WORDS is used, not written out again, and no key of a table hides one."""
    by_swedish = {text.sv: key for key, text in WORDS.items()}
    again = []
    for path in SOURCES:
        if path.name == "words.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "Text"
                and node.keywords
                and isinstance(node.keywords[0].value, ast.Constant)
                and node.keywords[0].value.value in by_swedish
            ):
                again.append(
                    f"{path.relative_to(ROOT)}:{node.lineno}: {node.keywords[0].value.value}"
                )
            spreads_words = any(
                k is None and isinstance(v, ast.Name) and v.id == "WORDS"
                for k, v in zip(node.keys, node.values, strict=True)
            ) if isinstance(node, ast.Dict) else False  # fmt: skip
            if isinstance(node, ast.Dict) and spreads_words:  # {**WORDS, ...}
                own = {k.value for k in node.keys if isinstance(k, ast.Constant)}
                hidden = own & set(WORDS)
                if hidden:
                    again.append(f"{path.relative_to(ROOT)}:{node.lineno}: hides {sorted(hidden)}")
    assert not again, "Take these from walks.core.words.WORDS:\n" + "\n".join(again)


def test_words_have_one_swedish_and_one_english_form_each() -> None:
    assert len({t.sv for t in WORDS.values()}) == len(WORDS)
    assert len({t.en for t in WORDS.values()}) == len(WORDS)


def test_an_unknown_word_names_the_key() -> None:
    with pytest.raises(UnknownWordError, match=r"No word 'statsu' in walks\.core\.words\.WORDS"):
        word("statsu", "sv")
    assert word("status", "en") == "Status"


FAKE_PAGE = """
from ui.i18n import t
from walks.actions.measures import PRIORITIES

def render(lang):
    st.radio(t("priority", lang), list(PRIORITIES), format_func=lambda p: t(f"urgency_{p}", lang))
    st.write(t("stauts", lang))
    for k in ("area", "aera"):
        st.write(t(k, lang))
    st.write(t(somewhere(), lang))
"""


def test_the_check_catches_an_undefined_key_in_a_fake_page() -> None:
    from walks.actions.measures import PRIORITIES

    namespace = {"t": lookup_functions_t(), "PRIORITIES": PRIORITIES}
    found = list(lookups_in(FAKE_PAGE, "ui/fake.py", namespace, lookup_functions(), None))
    keys = {x.source: x.keys for x in found}
    assert keys["f'urgency_{p}'"] == {"urgency_high", "urgency_medium", "urgency_low"}
    assert keys["'stauts'"] == {"stauts"}
    assert keys["k"] == {"area", "aera"}
    assert keys["somewhere()"] is None  # neither worked out nor declared: the test says so
    undefined = {k for x in found for k in x.keys or () if k not in x.table}
    assert undefined == {"urgency_high", "urgency_medium", "urgency_low", "stauts", "aera"}


TEXTS_FILES = sorted([*(ROOT / "walks").rglob("*.toml"), *(ROOT / "ui").rglob("*.toml")])
"""The texts files that ship beside the code (words.toml and each package's texts.toml)."""


def sections_read_beside(texts_file: Path) -> set[str]:
    """The sections the modules beside ``texts_file`` read with ``texts_from_file``."""
    read = set()
    for path in texts_file.parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "texts_from_file"
                and len(node.args) == 2
                and isinstance(node.args[1], ast.Constant)
            ):
                read.add(node.args[1].value)
    return read


def test_the_texts_files_are_found() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in TEXTS_FILES}
    assert names == {
        "walks/core/words.toml",
        "walks/cli/texts.toml",
        "walks/documents/texts.toml",
        "walks/web/texts.toml",
        "ui/texts.toml",
    }


@pytest.mark.parametrize("texts_file", TEXTS_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_every_section_of_a_texts_file_is_read_and_loads(texts_file: Path) -> None:
    sections = set(tomllib.loads(texts_file.read_text(encoding="utf-8")))
    assert sections == sections_read_beside(texts_file)
    for section in sections:
        assert texts_from_file(texts_file, section)


@pytest.mark.parametrize("texts_file", TEXTS_FILES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_section_of_a_texts_file_defines_a_domain_word_again(texts_file: Path) -> None:
    if texts_file.name == "words.toml":
        return
    by_swedish = {text.sv: key for key, text in WORDS.items()}
    again = [
        f"[{section}] {key}: {'the key' if key in WORDS else repr(text.sv)} of a word"
        for section in tomllib.loads(texts_file.read_text(encoding="utf-8"))
        for key, text in texts_from_file(texts_file, section).items()
        if key in WORDS or text.sv in by_swedish
    ]
    assert not again, "Take these from walks/core/words.toml:\n" + "\n".join(again)


def test_every_texts_file_ships_with_the_package() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = pyproject["tool"]["setuptools"]["package-data"]
    for texts_file in TEXTS_FILES:
        package = ".".join(texts_file.parent.relative_to(ROOT).parts)
        patterns = package_data.get(package, [])
        assert any(fnmatch.fnmatch(texts_file.name, p) for p in patterns), texts_file


def write_texts(tmp_path: Path, entries: str) -> Path:
    path = tmp_path / "texts.toml"
    path.write_text(f'[page]\nok = {{ sv = "Ja", en = "Yes" }}\n{entries}\n', encoding="utf-8")
    return path


def test_the_loader_reads_short_and_long_entries_in_order(tmp_path: Path) -> None:
    path = write_texts(
        tmp_path, 'long.sv = "Sparad som nr {number}."\nlong.en = "Saved as no. {number}."'
    )
    texts = texts_from_file(path, "page")
    assert list(texts) == ["ok", "long"]
    assert texts["long"].format(number=3) == Text(sv="Sparad som nr 3.", en="Saved as no. 3.")


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ('bad = { sv = "Nej" }', "en is missing or empty; write the text in both languages"),
        ('bad = { sv = "", en = "No" }', "sv is missing or empty"),
        ('bad = { sv = "Nej", en = "No", de = "Nein" }', "unknown key de; only sv and en"),
        ('bad = "Nej"', 'must be { sv = "…", en = "…" }'),
        (
            'bad = { sv = "Nr {number} i {area}", en = "No. {number}" }',
            r"the placeholders differ: sv has \{area\}, \{number\}, en has \{number\}; "
            "they must be the same in both languages",
        ),
        (
            'bad = { sv = "Nr {nummer}", en = "No. {number}" }',
            r"the placeholders differ: sv has \{nummer\}",
        ),
        ('bad = { sv = "Nr {number", en = "No. {number" }', "the braces do not pair up"),
    ],
)
def test_the_loader_refuses_an_entry_naming_file_section_and_key(
    tmp_path: Path, entry: str, problem: str
) -> None:
    path = write_texts(tmp_path, entry)
    with pytest.raises(
        TextsFileError, match=rf"Texts file .*texts\.toml, \[page\] bad: {problem}"
    ) as caught:
        texts_from_file(path, "page")
    assert caught.value.message("sv").startswith(f"Textfilen {path}, [page] bad: ")


def test_the_loader_refuses_a_missing_section_or_file_and_bad_toml(tmp_path: Path) -> None:
    path = write_texts(tmp_path, "")
    with pytest.raises(TextsFileError, match=r"texts\.toml, \[pgae\]: no such section"):
        texts_from_file(path, "pgae")
    with pytest.raises(TextsFileError, match="does not exist"):
        texts_from_file(tmp_path / "missing.toml", "page")
    path.write_text('[page]\nok = { sv = "Ja", en = "Yes"\n', encoding="utf-8")
    with pytest.raises(TextsFileError, match="is not valid TOML"):
        texts_from_file(path, "page")
