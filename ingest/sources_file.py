"""The sources file (TOML): named feeds, pages and folders to ingest.

    [[feeds]]
    name = "BBC World"
    url = "https://feeds.bbci.co.uk/news/world/rss.xml"

    [[folders]]
    name = "Newsroom notes"
    path = "notes/"          # relative to the sources file
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from core.errors import ConfigError
from ingest.pipeline import SourceSpec

_SECTIONS = {"feeds": "url", "pages": "url", "folders": "path", "files": "path"}


def read_sources_file(path: Path) -> list[SourceSpec]:
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
    specs: list[SourceSpec] = []
    for section, key in _SECTIONS.items():
        for number, entry in enumerate(document.get(section, []), start=1):
            where = f"{path} [[{section}]] #{number}"
            if not isinstance(entry, dict) or not isinstance(entry.get(key), str):
                raise ConfigError(f"{where}: needs a string '{key}'")
            location = entry[key]
            if key == "path" and not Path(location).expanduser().is_absolute():
                location = str((path.parent / location).resolve())
            specs.append(SourceSpec(location=location, name=str(entry.get("name", ""))))
    return specs
