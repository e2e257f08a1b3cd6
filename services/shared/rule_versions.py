"""Rules kept as versioned data: one `rules_*.json` per version in a directory, each in force from
its `effective_from` (a day or a month). Used by the development rules (member) and the dues
rules; each parses its own files."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import TypeVar

Version = TypeVar("Version")


def load_versions(directory: Path, parse: Callable[[Mapping], Version], unit: str = "day") -> tuple[Version, ...]:
    """Every `rules_*.json` of a directory parsed, oldest first; ValueError when there is none or
    two are in force from the same `effective_from`."""
    versions = sorted((parse(json.loads(path.read_text(encoding="utf-8")))
                       for path in directory.glob("rules_*.json")), key=lambda version: version.effective_from)
    starts = [version.effective_from for version in versions]
    if not versions or len(set(starts)) != len(starts):
        raise ValueError(f"{directory}: no versions, or two in force from the same {unit}")
    return tuple(versions)


def in_force(versions: Iterable[Version], when) -> Version:
    """The version in force at `when`; before the first version, the first one (PMIS keeps no
    older rules)."""
    versions = tuple(versions)
    current = versions[0]
    for version in versions:
        if version.effective_from <= when:
            current = version
    return current
