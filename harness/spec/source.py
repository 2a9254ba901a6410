"""The YAML text of an experiment: its data, the line of every field, and its duplicate keys.

YAML silently keeps the last of two equal keys in a mapping; an experiment with a duplicated
`timeline:` would lose half its faults without a word, so duplicates are found here from the
node tree (`yaml.compose`) before the data is built. Only safe YAML tags are accepted.
The node tree is measured before it is built into data: aliases share nodes, so a "billion
laughs" file is small as a tree but huge once expanded; a document whose expansion exceeds
`MAX_NODES` values or `MAX_DEPTH` levels, or whose alias refers to itself, is refused
(`SourceRefusedError`) without being expanded. A scalar YAML reads as a value Python cannot hold (a
date like 2024-13-45, an integer of thousands of digits) is refused the same way.
This module must not validate the experiment; it only parses, bounds and locates.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import yaml

from harness.errors import ConfigError
from harness.spec.base import PathPart

Path = tuple[PathPart, ...]
_Loader = yaml.SafeLoader | yaml.CSafeLoader
_SAFE_LOADER: type[_Loader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML was built with it (about ten times faster), else pure Python."""
_MERGE_TAG = "tag:yaml.org,2002:merge"

MAX_NODES = 100_000
"""Values (keys, scalars, lists, mappings) a document may expand to; an experiment has ~200."""
MAX_DEPTH = 32
"""Levels of nesting a document may expand to; an experiment has about 6."""


class SourceRefusedError(ConfigError):
    """The YAML parses but cannot be an experiment (an alias bomb, an unreadable value)."""

    def __init__(self, reason: str, line: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.line = line


@dataclass(frozen=True)
class Duplicate:
    """A key written twice in one mapping; the second one (at `line`) would win silently."""

    path: Path
    line: int
    first_line: int


@dataclass(frozen=True)
class Source:
    """Parsed YAML: the data, 1-based lines by field path, and duplicate keys."""

    data: object
    lines: Mapping[Path, int]
    duplicates: tuple[Duplicate, ...]

    def line_of(self, path: Path) -> int:
        """Line of the deepest written prefix of `path` (a missing key: its parent's line)."""
        for end in range(len(path), -1, -1):
            line = self.lines.get(path[:end])
            if line is not None:
                return line
        return 1


def parse_source(text: str) -> Source:
    """Parse one YAML document; bad YAML raises `yaml.YAMLError` (with its mark)."""
    loader = _SAFE_LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Source(None, {(): 1}, ())
        _Measure().size(node, 1)
        duplicates = tuple(_duplicates(node, ()))
        data = _construct(loader, node)
        lines = dict(_lines(loader, node, ()))
    finally:
        loader.dispose()
    return Source(data, lines, duplicates)


def _scalar_key(loader: _Loader, key: yaml.Node) -> PathPart:
    """The key as the data will hold it (YAML `1:` is the integer 1), for path matching."""
    if isinstance(key, yaml.ScalarNode):
        value = loader.construct_object(key)
        if isinstance(value, str | int):
            return value
    return str(key.value)


def _lines(
    loader: _Loader, node: yaml.Node, path: Path, seen: set[int] | None = None
) -> Iterator[tuple[Path, int]]:
    visited = seen if seen is not None else set()
    if id(node) in visited:  # an alias: its fields have lines where the anchor was written
        return
    visited.add(id(node))
    if path == ():
        yield path, node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            child = (*path, _scalar_key(loader, key))
            yield child, key.start_mark.line + 1
            yield from _lines(loader, value, child, visited)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            child = (*path, index)
            yield child, item.start_mark.line + 1
            yield from _lines(loader, item, child, visited)


def _duplicates(node: yaml.Node, path: Path, seen: set[int] | None = None) -> Iterator[Duplicate]:
    visited = seen if seen is not None else set()
    if id(node) in visited:  # an alias: already walked where the anchor was defined
        return
    visited.add(id(node))
    if isinstance(node, yaml.MappingNode):
        first: dict[tuple[str, str], int] = {}
        for key, value in node.value:
            if key.tag == _MERGE_TAG or not isinstance(key, yaml.ScalarNode):
                continue
            line = key.start_mark.line + 1
            written = (key.tag, key.value)
            if written in first:
                yield Duplicate((*path, key.value), line, first[written])
            first.setdefault(written, line)
            yield from _duplicates(value, (*path, key.value), visited)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _duplicates(item, (*path, index), visited)


class _Measure:
    """The expanded size of a node graph, each shared node measured once (linear time)."""

    def __init__(self) -> None:
        self.sizes: dict[int, tuple[int, int]] = {}  # id -> (values, levels) once expanded
        self.open: set[int] = set()  # nodes being measured: an alias to one is a cycle

    def size(self, node: yaml.Node, depth: int) -> tuple[int, int]:
        line = node.start_mark.line + 1
        if id(node) in self.open:
            raise SourceRefusedError("an alias refers to the value that contains it (a loop)", line)
        known = self.sizes.get(id(node))
        if known is None:
            if depth > MAX_DEPTH:
                raise SourceRefusedError(f"nested deeper than {MAX_DEPTH} levels", line)
            self.open.add(id(node))
            children: list[yaml.Node] = []
            if isinstance(node, yaml.MappingNode):
                children = [part for pair in node.value for part in pair]
            elif isinstance(node, yaml.SequenceNode):
                children = list(node.value)
            measured = [self.size(child, depth + 1) for child in children]
            known = (
                1 + sum(values for values, _ in measured),
                1 + max((levels for _, levels in measured), default=0),
            )
            self.open.discard(id(node))
            self.sizes[id(node)] = known
        values, levels = known
        if values > MAX_NODES:
            reason = f"expands to more than {MAX_NODES:,} values (aliases of aliases?)"
            raise SourceRefusedError(reason, line)
        if depth - 1 + levels > MAX_DEPTH:
            raise SourceRefusedError(f"nested deeper than {MAX_DEPTH} levels", line)
        return known


def _construct(loader: _Loader, node: yaml.Node) -> object:
    """The data of `node`; a scalar Python cannot hold raises `SourceRefusedError` at its line."""
    try:
        return loader.construct_document(node)
    except ValueError as exc:  # a date like 2024-13-45, an integer of > 4300 digits
        reason = str(exc).split(";")[0]
        if "integer string conversion" in reason:
            reason = "an integer with thousands of digits"
        line = _unreadable_line(loader, node)
        raise SourceRefusedError(f"unreadable value: {reason}", line) from None


def _unreadable_line(loader: _Loader, root: yaml.Node) -> int | None:
    loader.constructed_objects, loader.recursive_objects = {}, {}  # left by the failed build
    pending, seen = [root], set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            try:
                loader.construct_object(node)
            except (ValueError, yaml.YAMLError):
                return int(node.start_mark.line) + 1
        elif isinstance(node, yaml.MappingNode):
            pending.extend(part for pair in node.value for part in pair)
        elif isinstance(node, yaml.SequenceNode):
            pending.extend(node.value)
    return None
