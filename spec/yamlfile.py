"""The strict YAML reader used for the spec and for every stack file.

What a file must be, checked in this order:

1. at most ``MAX_FILE_BYTES`` (1 MiB; a spec is a few KB): a larger file is refused
   without being read whole;
2. UTF-8 text (a byte-order mark is allowed): other bytes are refused naming the line;
3. one YAML document (``read_documents``: any number, each checked as below): syntax
   errors name the line and column;
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

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from .errors import Problem, SpecFileError, shown
from .yamlnodes import (
    MAX_DEPTH,
    MAX_INT_DIGITS,
    MAX_VALUES,
    STR,
    Checks,
    Loc,
    Stop,
    has_alias,
    map_lines,
    measure,
    nodes,
    render_path,
)

__all__ = ["MAX_DEPTH", "MAX_FILE_BYTES", "MAX_INT_DIGITS", "MAX_VALUES", "Document", "read_document",
           "read_documents", "read_yaml", "render_path"]

MAX_FILE_BYTES = 1024 * 1024


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
                    raise Stop(f"nested deeper than {MAX_DEPTH} levels", mark.line + 1)
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
                for key, value in node.value if isinstance(key, yaml.ScalarNode) and key.tag == STR}

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
                map_lines(self.root, (), self._lines, [0])
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


def _compose(text: str, name: str, many: bool = False) -> Any:
    """The node of the one document (``many``: the list of every document's node)."""
    loader: Any = None
    try:
        loader = _Loader(text)  # the reader refuses raw control characters here
        if many:
            found = []
            while loader.check_node():
                found.append(loader.get_node())
            return found
        return loader.get_single_node()
    except Stop as stop:
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


def read_document(path: Path | str, name: str | None = None) -> Document:
    """Read ``path`` strictly; raise ``SpecFileError`` on a structural problem and
    return the data with every other problem found (see the module docstring)."""
    file = Path(path)
    label = name or str(path)
    root = _compose(_read_text(file, label), label)
    if root is None:
        return Document(label, None)
    return _document(root, label)


def read_documents(path: Path | str, name: str | None = None) -> list[Document]:
    """Every document of a multi-document file (``---``), each read as strictly as
    ``read_document`` reads one (empty documents left out)."""
    label = name or str(path)
    roots = _compose(_read_text(Path(path), label), label, many=True)
    return [_document(root, f"{label} (document {i + 1})" if len(roots) > 1 else label)
            for i, root in enumerate(roots) if root is not None]


def _document(root: yaml.Node, label: str) -> Document:
    try:
        values, depth = measure(root)
    except Stop as stop:
        raise SpecFileError(Problem(label, "", stop.message, stop.line)) from None
    if depth > MAX_DEPTH:
        raise SpecFileError(Problem(label, "", f"nested deeper than {MAX_DEPTH} levels once its aliases are expanded"))
    if values > MAX_VALUES:
        aliased = "with its aliases expanded " if has_alias(root) else ""
        raise SpecFileError(Problem(label, "", f"holds more than {MAX_VALUES} values {aliased}(an alias bomb?); "
                                               "a spec or stack file needs a few hundred"))
    checks = Checks(label)
    visit: dict[type, Callable[[Loc, Any], None]] = {yaml.MappingNode: checks.mapping,
                                                       yaml.ScalarNode: checks.scalar}
    for loc, node in nodes(root):
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


def read_yaml(path: Path | str) -> Any:
    """The data of a YAML file read strictly; ``SpecFileError`` lists every problem."""
    document = read_document(path)
    if document.problems:
        raise SpecFileError(document.problems)
    return document.data
