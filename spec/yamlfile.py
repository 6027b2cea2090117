"""The strict YAML reader used for the spec and for every stack file.

What a file must be, checked in this order:

1. at most ``MAX_FILE_BYTES`` (1 MiB; a spec is a few KB): a larger file is refused
   without being read whole;
2. UTF-8 text (a byte-order mark is allowed): other bytes are refused naming the line;
3. one YAML document: syntax errors name the line and column;
4. nested at most ``MAX_DEPTH`` levels, counted while the document is composed, before
   any recursion could exhaust the stack;
5. at most ``MAX_VALUES`` values once aliases are expanded, counted on the node graph
   (shared nodes counted once per use, never expanded): a 3 KB alias bomb is refused
   in milliseconds with a few KB of memory.

Problems 1-5 stop the read. Then every node is checked and *every* problem is
collected, each with its line and its field path: a mapping key that is not text
(``1:``, ``true:``, a list), a key written twice in one mapping (merge keys ``<<``
excepted), a control character in text (C0/C1 controls other than tab, line feed and
carriage return, lone surrogates, bidirectional overrides), an integer longer than
``MAX_INT_DIGITS``, a value whose explicit tag does not fit it (``!!int abc``). The data
is still built (such keys are left out, such values become ``None`` or text), so the
caller can validate it and report these problems together with its own; messages never
echo a value that holds a control character (it may be a secret).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from .errors import Problem, SpecFileError, shown

MAX_FILE_BYTES = 1024 * 1024
MAX_DEPTH = 64
MAX_VALUES = 100_000
MAX_INT_DIGITS = 40

_STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_TYPE_NAMES = {
    "tag:yaml.org,2002:int": "an integer", "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a boolean", "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "a date", "tag:yaml.org,2002:binary": "binary data",
}
Path_ = tuple[int | str, ...]


class _Stop(Exception):
    """A structural problem: the read stops here."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


def render_path(loc: Path_) -> str:
    """``("release", "steps", 2, "setWeight")`` -> ``release.steps[2].setWeight``; a key
    that is long or holds spaces or control characters is shown quoted and cut."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            continue
        text = part if len(part) <= 80 and part.isprintable() and " " not in part and part else shown(part)
        out += f".{text}" if out else text
    return out


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


class _Strict:
    """What both loaders add to PyYAML's safe loading: a depth limit while composing,
    and lenient construction of the values the checks already reported."""

    _depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        loader: Any = self
        if loader.check_event(yaml.SequenceStartEvent, yaml.MappingStartEvent):
            self._depth += 1
            try:
                if self._depth > MAX_DEPTH:
                    mark = loader.peek_event().start_mark
                    raise _Stop(f"nested deeper than {MAX_DEPTH} levels", mark.line + 1)
                return Composer.compose_node(loader, parent, index)
            finally:
                self._depth -= 1
        return Composer.compose_node(loader, parent, index)

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        loader: Any = self
        if isinstance(node, yaml.MappingNode):
            loader.flatten_mapping(node)
        # keys that are not text were reported by the checks: they are left out
        return {key.value: loader.construct_object(value, deep=deep)
                for key, value in node.value if isinstance(key, yaml.ScalarNode) and key.tag == _STR}

    def construct_yaml_int(self, node: Any) -> Any:
        if len(node.value) > MAX_INT_DIGITS:
            return None  # reported by the checks
        return SafeConstructor.construct_yaml_int(self, node)  # type: ignore[arg-type]


class _PyLoader(_Strict, yaml.SafeLoader):
    """Pure-Python PyYAML (where libyaml is missing); positions count characters."""

    byte_positions = False


_PyLoader.add_constructor("tag:yaml.org,2002:int", _PyLoader.construct_yaml_int)  # type: ignore[type-var]
_Loader: type[Any] = _PyLoader

if yaml.__with_libyaml__:
    from yaml._yaml import CParser

    class _CLoader(_Strict, CParser, Composer, SafeConstructor, Resolver):
        """libyaml's parser (about 20 times faster) under PyYAML's Python composer, so
        the depth limit holds before any recursion; positions count bytes."""

        byte_positions = True

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            Composer.__init__(self)
            SafeConstructor.__init__(self)
            Resolver.__init__(self)

        get_single_node = Composer.get_single_node
        compose_document = Composer.compose_document
        check_node = Composer.check_node
        get_node = Composer.get_node

    _CLoader.add_constructor("tag:yaml.org,2002:int", _CLoader.construct_yaml_int)  # type: ignore[type-var]
    _Loader = _CLoader


@dataclass
class Document:
    """A parsed YAML file: its data, the problems found in it, and where each field is."""

    file: str
    data: Any
    problems: list[Problem] = field(default_factory=list)
    #: paths whose value the reader replaced or dropped (validation problems there are noise)
    replaced: list[str] = field(default_factory=list)
    root: yaml.Node | None = None
    _lines: dict[str, int] | None = None

    def _map(self) -> dict[str, int]:
        if self._lines is None:
            self._lines = {}
            if self.root is not None:
                _map_lines(self.root, (), self._lines, [0])
        return self._lines

    def has(self, path: str) -> bool:
        """Whether the document writes ``path`` (as ``render_path`` writes it)."""
        return path in self._map()

    def line_of(self, path: str) -> int | None:
        """The line of ``path`` (as ``render_path`` writes it), else of its nearest parent."""
        lines = self._map()
        while path:
            if path in lines:
                return lines[path]
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""
        return None


def _map_lines(node: yaml.Node, loc: Path_, out: dict[str, int], budget: list[int]) -> None:
    """Record the line of every path (aliases followed, at most ``MAX_VALUES`` paths)."""
    budget[0] += 1
    if budget[0] > MAX_VALUES:
        return
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out.setdefault(render_path((*loc, index)), _line(item))
            _map_lines(item, (*loc, index), out, budget)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag == _STR:
                out.setdefault(render_path((*loc, key.value)), _line(key))
                _map_lines(value, (*loc, key.value), out, budget)


def _read_text(file: Path, name: str) -> str:
    try:
        with file.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise SpecFileError(Problem(name, "", "file does not exist")) from None
    except OSError as exc:
        raise SpecFileError(Problem(name, "", f"cannot be read: {exc.strerror or exc}")) from None
    if len(raw) > MAX_FILE_BYTES:
        size = file.stat().st_size
        raise SpecFileError(Problem(name, "", f"is {size / 1024 / 1024:.1f} MiB; a spec or stack file is at most "
                                              f"{MAX_FILE_BYTES // 1024 // 1024} MiB"))
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise SpecFileError(Problem(name, "", f"is not UTF-8 text: byte 0x{raw[exc.start]:02x} at column {column}",
                                    line)) from None


def _compose(text: str, name: str) -> yaml.Node | None:
    loader: Any = None
    try:
        loader = _Loader(text)  # the reader refuses raw control characters here
        return loader.get_single_node()
    except _Stop as stop:
        raise SpecFileError(Problem(name, "", stop.message, stop.line)) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        column = f" at column {mark.column + 1}" if mark else ""
        what = exc.problem or exc.context or "syntax error"
        if "nesting depth" in what:  # libyaml's own limit (1000), met while it looks ahead
            raise SpecFileError(Problem(name, "", f"nested deeper than {MAX_DEPTH} levels",
                                        mark.line + 1 if mark else None)) from None
        raise SpecFileError(Problem(name, "", f"is not valid YAML{column}: {what}",
                                    mark.line + 1 if mark else None)) from None
    except yaml.reader.ReaderError as exc:
        before = text.encode("utf-8")[: exc.position].decode("utf-8", "replace") if _Loader.byte_positions \
            else text[: exc.position]
        line = before.count("\n") + 1
        code = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
        raise SpecFileError(Problem(name, "", f"is not valid YAML: character U+{code:04X} is not allowed "
                                              "(control characters are written as escapes in double quotes)",
                                    line)) from None
    except yaml.YAMLError as exc:
        raise SpecFileError(Problem(name, "", f"is not valid YAML: {shown(str(exc), 200)}")) from None
    finally:
        if loader is not None:
            loader.dispose()


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _measure(root: yaml.Node) -> tuple[int, int]:
    """(values, depth) of the document with aliases expanded, computed on the node graph
    without recursion (each collection once); an alias inside its own anchor is a cycle."""
    if isinstance(root, yaml.ScalarNode):
        return 1, 0
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    active: set[int] = set()
    stack: list[tuple[yaml.Node, list[yaml.Node] | None]] = [(root, None)]
    while stack:
        node, kids = stack.pop()
        key = id(node)
        if kids is not None:  # all children measured
            total, deepest = 1, 0
            for kid in kids:
                if isinstance(kid, yaml.ScalarNode):
                    total += 1
                else:
                    total += size[id(kid)]
                    deepest = max(deepest, depth[id(kid)])
            size[key], depth[key] = min(total, MAX_VALUES + 1), deepest + 1
            active.discard(key)
            continue
        if key in size:
            continue
        active.add(key)
        children = _children(node)
        stack.append((node, children))
        for kid in children:
            if isinstance(kid, yaml.ScalarNode) or id(kid) in size:
                continue
            if id(kid) in active:
                raise _Stop("an alias is used inside its own anchor (a cycle)", _line(kid))
            stack.append((kid, None))
    return size[id(root)], depth[id(root)]


def _nodes(root: yaml.Node) -> Iterator[tuple[Path_, yaml.Node]]:
    """Every distinct node once, with the first path that reaches it."""
    seen: set[int] = set()
    stack: list[tuple[Path_, yaml.Node]] = [((), root)]
    while stack:
        loc, node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield loc, node
        if isinstance(node, yaml.SequenceNode):
            stack.extend(((*loc, i), item) for i, item in reversed(list(enumerate(node.value))))
        elif isinstance(node, yaml.MappingNode):
            for key, value in reversed(node.value):
                name = key.value if isinstance(key, yaml.ScalarNode) else "<key>"
                stack.append(((*loc, str(name)), value))
                stack.append(((*loc, str(name)), key))


def _implicit_fits(node: yaml.ScalarNode) -> bool:
    """Whether a scalar with an explicit tag (``!!int 12``) has a value of that type."""
    for tag, pattern in Resolver.yaml_implicit_resolvers.get(node.value[:1], []):
        if tag == node.tag and pattern.match(node.value):
            return True
    return node.tag == "tag:yaml.org,2002:null" and node.value in ("", "~", "null", "Null", "NULL")


_SCALAR_TAGS = frozenset(_TYPE_NAMES) - {"tag:yaml.org,2002:binary"}


class _Checks:
    """Collects the per-node problems of one document."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.replaced: list[str] = []

    def add(self, loc: Path_, node: yaml.Node, message: str, replaced: bool = False) -> None:
        path = render_path(loc)
        self.problems.append(Problem(self.name, path, message, _line(node)))
        if replaced:
            self.replaced.append(path)

    def mapping(self, loc: Path_, node: yaml.MappingNode) -> None:
        seen: dict[str, int] = {}
        for key, _value in node.value:
            if key.tag == _MERGE:
                continue
            if not isinstance(key, yaml.ScalarNode):
                self.add(loc, key, "a key must be text, not a list or a mapping")
            elif key.tag != _STR:
                what = _TYPE_NAMES.get(key.tag, "not text")
                self.add(loc, key, f"key {shown(key.value)} is {what}, and keys are text: "
                                   f"quote it ('{key.value[:40]}')")
            elif key.value in seen:
                self.add((*loc, key.value), key, f"key {shown(key.value)} appears twice in one mapping "
                                                 f"(lines {seen[key.value]} and {_line(key)}); keep one")
            else:
                seen[key.value] = _line(key)

    def scalar(self, loc: Path_, node: yaml.ScalarNode) -> None:
        if node.tag == _STR:
            bad = _CONTROL.search(node.value)
            if bad:
                self.add(loc, node, f"text holds control character U+{ord(bad.group()):04X} at position "
                                    f"{bad.start() + 1}; only tab and line breaks are allowed")
        elif node.tag == "tag:yaml.org,2002:int" and len(node.value) > MAX_INT_DIGITS:
            self.add(loc, node, f"an integer of {len(node.value)} digits is far too large "
                                f"(at most {MAX_INT_DIGITS})", replaced=True)
        elif node.tag in _SCALAR_TAGS and not _implicit_fits(node):
            self.add(loc, node, f"{shown(node.value)} is not {_TYPE_NAMES[node.tag]}", replaced=True)
            node.tag = _STR


def read_document(path: Path | str, name: str | None = None) -> Document:
    """Read ``path`` strictly; raise ``SpecFileError`` on a structural problem and
    return the data with every other problem found (see the module docstring)."""
    file = Path(path)
    label = name or str(path)
    root = _compose(_read_text(file, label), label)
    if root is None:
        return Document(label, None)
    try:
        values, depth = _measure(root)
    except _Stop as stop:
        raise SpecFileError(Problem(label, "", stop.message, stop.line)) from None
    if depth > MAX_DEPTH:
        raise SpecFileError(Problem(label, "", f"nested deeper than {MAX_DEPTH} levels once its aliases are expanded"))
    if values > MAX_VALUES:
        aliased = "with its aliases expanded " if _has_alias(root) else ""
        raise SpecFileError(Problem(label, "", f"holds more than {MAX_VALUES} values {aliased}(an alias bomb?); "
                                               "a spec or stack file needs a few hundred"))
    checks = _Checks(label)
    visit: dict[type, Callable[[Path_, Any], None]] = {yaml.MappingNode: checks.mapping,
                                                       yaml.ScalarNode: checks.scalar}
    for loc, node in _nodes(root):
        handler = visit.get(type(node))
        if handler:
            handler(loc, node)
    loader = _Loader("")
    try:
        data = loader.construct_document(root)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise SpecFileError(Problem(label, "", f"is not valid YAML: {exc.problem or exc.context}",
                                    mark.line + 1 if mark else None)) from None
    except (yaml.YAMLError, ValueError, TypeError, KeyError, AttributeError, OverflowError) as exc:
        raise SpecFileError(Problem(label, "", f"cannot be read as data: {shown(str(exc), 200)}")) from None
    finally:
        loader.dispose()
    return Document(label, data, checks.problems, checks.replaced, root)


def _has_alias(root: yaml.Node) -> bool:
    return any(count > 1 for count in _uses(root).values())


def _uses(root: yaml.Node) -> dict[int, int]:
    uses: dict[int, int] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        uses[id(node)] = uses.get(id(node), 0) + 1
        if uses[id(node)] > 1:
            continue
        if isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, yaml.MappingNode):
            stack.extend(v for pair in node.value for v in pair)
    return uses


def read_yaml(path: Path | str) -> Any:
    """The data of a YAML file read strictly; ``SpecFileError`` lists every problem."""
    document = read_document(path)
    if document.problems:
        raise SpecFileError(document.problems)
    return document.data
