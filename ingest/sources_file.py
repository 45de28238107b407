"""The sources file (TOML): named feeds, pages and folders to ingest.

    [[feeds]]
    name = "BBC World"
    url = "https://feeds.bbci.co.uk/news/world/rss.xml"

    [[folders]]
    name = "Newsroom notes"
    path = "notes/"          # relative to the sources file
    every = 120              # minutes between scheduled ingests (default: the setting)
    keep = 30                # days its articles are kept (default: NEWSDESK_RETENTION_DAYS)
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from core.errors import ConfigError
from core.models import DeclaredSource
from ingest.pipeline import SourceSpec
from ingest.schedule import interval_problem, keep_problem
from ingest.urls import looks_fetchable, outlet_host, url_problem

_SECTIONS = {"feeds": "url", "pages": "url", "folders": "path", "files": "path"}
_KINDS = {"feeds": "url", "pages": "url", "folders": "folder", "files": "file"}


def default_name(location: str) -> str:
    """A source name from its location: the host of a URL, the last part of a path."""
    host = outlet_host(location) if looks_fetchable(location) else ""
    if host:
        path = urlsplit(location).path.strip("/")
        return f"{host}/{path}" if path else host
    return Path(location).name or location


def read_sources_file(path: Path) -> list[SourceSpec]:
    """The sources of a sources file, ready to ingest."""
    return [SourceSpec(d.location, d.outlet) for d in read_declared_sources(path)]


def read_declared_sources(path: Path) -> list[DeclaredSource]:
    """Parse a sources file; raise ConfigError with the offending entry when it is wrong."""
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read sources file {path}: {exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"sources file {path} is not valid TOML: {exc}") from exc
    unknown = set(document) - set(_SECTIONS)
    if unknown:
        raise ConfigError(
            f"sources file {path}: unknown section(s) {sorted(unknown)}; "
            f"use {sorted(_SECTIONS)}"
        )
    declared: list[DeclaredSource] = []
    seen: dict[str, str] = {}  # location → the entry that declared it, as written
    for section, key in _SECTIONS.items():
        for number, entry in enumerate(document.get(section, []), start=1):
            where = f"sources file {path} [[{section}]] #{number}"
            if not isinstance(entry, dict) or not isinstance(entry.get(key), str):
                raise ConfigError(f"{where}: needs a string '{key}'")
            written = entry[key]
            location = written.strip()
            if key == "url" and (problem := url_problem(location)):
                raise ConfigError(f"{where}: url {location[:120]!r}: {problem}")
            if key == "path":
                location = str((path.parent / Path(location).expanduser()).resolve())
            every = entry.get("every")
            if every is not None and (problem := interval_problem(every)):
                raise ConfigError(f"{where}: 'every' {problem}; got {_toml(every)}")
            keep = entry.get("keep")
            if keep is not None and (problem := keep_problem(keep)):
                raise ConfigError(f"{where}: 'keep' {problem}; got {_toml(keep)}")
            entry_name = f"[[{section}]] #{number} ({written[:120]!r})"
            if location in seen:  # "notes/" and "./notes": one row in the sources table
                raise ConfigError(f"sources file {path} {entry_name} is the same location as "
                                  f"{seen[location]}: {location[:200]}; keep one of them")
            seen[location] = entry_name
            outlet = str(entry.get("name", "") or "")
            declared.append(DeclaredSource(
                name=outlet or default_name(location), location=location, kind=_KINDS[section],
                outlet=outlet, every_minutes=every, keep_days=keep,
            ))
    return declared


def _toml(value: object) -> str:
    """``value`` as it was written in the file (near enough to find it)."""
    if isinstance(value, bool):
        return str(value).lower()
    return f'"{value}"' if isinstance(value, str) else str(value)
