"""The checks of the strict YAML reader that work on PyYAML's node graph.

``measure`` counts values and depth with aliases expanded, on the graph itself (each
collection once, no recursion, cycles refused); ``Checks`` collects the per-node
problems (keys that are not text or appear twice, control characters, huge integers,
explicit tags that do not fit) with their line and field path; ``map_lines`` records
where each field path is written. ``render_path`` writes a path as messages show it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import yaml
from yaml.resolver import Resolver

from .errors import Problem, shown

__all__ = ["MAX_DEPTH", "MAX_INT_DIGITS", "MAX_VALUES", "STR", "Checks", "Loc", "Stop", "has_alias", "line_of",
           "map_lines", "measure", "nodes", "render_path"]

MAX_DEPTH = 64
MAX_VALUES = 100_000
MAX_INT_DIGITS = 40

STR = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_TYPE_NAMES = {
    "tag:yaml.org,2002:int": "an integer", "tag:yaml.org,2002:float": "a number",
    "tag:yaml.org,2002:bool": "a boolean", "tag:yaml.org,2002:null": "null",
    "tag:yaml.org,2002:timestamp": "a date", "tag:yaml.org,2002:binary": "binary data",
}
Loc = tuple[int | str, ...]


class Stop(Exception):
    """A structural problem: the read stops here."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message, self.line = message, line


def render_path(loc: Loc) -> str:
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


def line_of(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def map_lines(node: yaml.Node, loc: Loc, out: dict[str, int], budget: list[int]) -> None:
    """Record the line of every path (aliases followed, at most ``MAX_VALUES`` paths)."""
    budget[0] += 1
    if budget[0] > MAX_VALUES:
        return
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            out.setdefault(render_path((*loc, index)), line_of(item))
            map_lines(item, (*loc, index), out, budget)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.tag == STR:
                out.setdefault(render_path((*loc, key.value)), line_of(key))
                map_lines(value, (*loc, key.value), out, budget)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def measure(root: yaml.Node) -> tuple[int, int]:
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
                raise Stop("an alias is used inside its own anchor (a cycle)", line_of(kid))
            stack.append((kid, None))
    return size[id(root)], depth[id(root)]


def nodes(root: yaml.Node) -> Iterator[tuple[Loc, yaml.Node]]:
    """Every distinct node once, with the first path that reaches it."""
    seen: set[int] = set()
    stack: list[tuple[Loc, yaml.Node]] = [((), root)]
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


class Checks:
    """Collects the per-node problems of one document."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.problems: list[Problem] = []
        self.replaced: list[str] = []

    def add(self, loc: Loc, node: yaml.Node, message: str, replaced: bool = False) -> None:
        path = render_path(loc)
        self.problems.append(Problem(self.name, path, message, line_of(node)))
        if replaced:
            self.replaced.append(path)

    def mapping(self, loc: Loc, node: yaml.MappingNode) -> None:
        seen: dict[str, int] = {}
        for key, _value in node.value:
            if key.tag == _MERGE:
                continue
            if not isinstance(key, yaml.ScalarNode):
                self.add(loc, key, "a key must be text, not a list or a mapping")
            elif key.tag != STR:
                what = _TYPE_NAMES.get(key.tag, "not text")
                self.add(loc, key, f"key {shown(key.value)} is {what}, and keys are text: "
                                   f"quote it ('{key.value[:40]}')")
            elif key.value in seen:
                self.add((*loc, key.value), key, f"key {shown(key.value)} appears twice in one mapping "
                                                 f"(lines {seen[key.value]} and {line_of(key)}); keep one")
            else:
                seen[key.value] = line_of(key)

    def scalar(self, loc: Loc, node: yaml.ScalarNode) -> None:
        if node.tag == STR:
            bad = _CONTROL.search(node.value)
            if bad:
                self.add(loc, node, f"text holds control character U+{ord(bad.group()):04X} at position "
                                    f"{bad.start() + 1}; only tab and line breaks are allowed")
        elif node.tag == "tag:yaml.org,2002:int" and len(node.value) > MAX_INT_DIGITS:
            self.add(loc, node, f"an integer of {len(node.value)} digits is far too large "
                                f"(at most {MAX_INT_DIGITS})", replaced=True)
        elif node.tag in _SCALAR_TAGS and not _implicit_fits(node):
            self.add(loc, node, f"{shown(node.value)} is not {_TYPE_NAMES[node.tag]}", replaced=True)
            node.tag = STR


def has_alias(root: yaml.Node) -> bool:
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


