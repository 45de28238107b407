"""The summary of an ingest run, for humans and for --json."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from ingest.loaders.base import ItemFailure, SourceState

Counts = tuple[int, int, int, int, int]  # added, updated, unchanged, duplicates, failed


@dataclass
class SourceResult:
    """What one source gave in a run."""

    location: str
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    failed: int = 0
    error: str = ""  # the source itself failed (unreachable, not a feed, no such file)
    state: SourceState | None = None  # what fetching a URL found

    @property
    def not_modified(self) -> bool:
        """True when the source answered that nothing changed since the last fetch."""
        return self.state is not None and self.state.not_modified

    def take_counts(self, before: Counts, after: Counts) -> None:
        """Set the counts from a report's counts before and after this source."""
        (self.added, self.updated, self.unchanged, self.duplicates, self.failed) = (
            b - a for a, b in zip(before, after, strict=True))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"location": self.location, "added": self.added, "updated": self.updated,
                "unchanged": self.unchanged, "failed": self.failed, "error": self.error,
                "not_modified": self.not_modified}


@dataclass
class IngestReport:
    """Counts and reasons: added / updated / unchanged / failed."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    forgotten: int = 0  # left out: an admin removed them for good
    resumed: int = 0
    chunks_resumed: int = 0  # of chunks_indexed: re-embedded after an interrupted run
    chunks_indexed: int = 0
    failed: list[ItemFailure] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sources: list[SourceResult] = field(default_factory=list)
    seconds: float = 0.0

    def merge(self, other: IngestReport) -> None:
        """Add ``other`` (a later run) to this report."""
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.duplicates += other.duplicates
        self.forgotten += other.forgotten
        self.resumed += other.resumed
        self.chunks_resumed += other.chunks_resumed
        self.chunks_indexed += other.chunks_indexed
        self.failed.extend(other.failed)
        self.warnings.extend(other.warnings)
        self.sources.extend(other.sources)
        self.seconds += other.seconds

    def counts(self) -> Counts:
        """(added, updated, unchanged, duplicates, failed) so far."""
        return (self.added, self.updated, self.unchanged, self.duplicates, len(self.failed))

    @property
    def ingested(self) -> int:
        """Articles now in the store from this run (new, changed or already there)."""
        return self.added + self.updated + self.unchanged + self.duplicates + self.resumed

    @property
    def ok(self) -> bool:
        """False only when nothing at all could be ingested."""
        return self.ingested > 0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        data = asdict(self)
        data["failed"] = [{"item": f.origin, "reason": f.reason} for f in self.failed]
        data["sources"] = [s.to_dict() for s in self.sources]
        data["seconds"] = round(self.seconds, 3)
        return data

    def summary_lines(self) -> list[str]:
        """Human-readable summary, failures with reasons."""
        lines = [
            f"added {self.added}, updated {self.updated}, unchanged {self.unchanged}"
            + (f" (+{self.duplicates} duplicates)" if self.duplicates else "")
            + (f", {self.forgotten} forgotten left out" if self.forgotten else "")
            + (f", resumed {self.resumed}" if self.resumed else "")
            + f", failed {len(self.failed)} — {self.chunks_indexed} chunks indexed"
            + f" in {self.seconds:.1f}s"
        ]
        lines += [f"  warning: {w}" for w in self.warnings]
        lines += [f"  failed: {f.origin}: {f.reason}" for f in self.failed]
        return lines
