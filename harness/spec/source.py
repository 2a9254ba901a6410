"""The YAML text of an experiment: its data, the line of every field, and its duplicate keys.

YAML silently keeps the last of two equal keys in a mapping; an experiment with a duplicated
`timeline:` would lose half its faults without a word, so duplicates are found here from the
node tree (`yaml.compose`) before the data is built. Only safe YAML tags are accepted.
This module must not validate the experiment; it only parses and locates.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import yaml

from harness.spec.base import PathPart

Path = tuple[PathPart, ...]
_Loader = yaml.SafeLoader | yaml.CSafeLoader
_SAFE_LOADER: type[_Loader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's loader when PyYAML was built with it (about ten times faster), else pure Python."""
_MERGE_TAG = "tag:yaml.org,2002:merge"


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
        duplicates = tuple(_duplicates(node, ()))
        data = loader.construct_document(node)
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
