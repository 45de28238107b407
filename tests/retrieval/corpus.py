"""A small news corpus written for retrieval tests."""

from pathlib import Path

from bot.container import Container
from ingest.pipeline import SourceSpec
from ingest.sample_articles import SAMPLES_DIR

FILLER_TOPICS = [
    "city council budget", "school term dates", "bus timetable", "library hours",
    "park renovation", "bridge maintenance", "hospital parking", "recycling rules",
]


def write(folder: Path, name: str, title: str, body: str, day: int = 5,
          url: str = "", source: str = "Test Wire") -> None:
    url = url or f"https://wire.example/{name}"
    (folder / f"{name}.md").write_text(
        f"---\ntitle: {title}\nurl: {url}\nsource: {source}\npublished: 2026-01-{day:02d}\n---\n"
        f"{body}\n"
    )


def ingest_story(container: Container, folder: Path, title: str, body: str, day: int,
                 samples: bool = False) -> None:
    """Write one article to ``folder`` (made here) and ingest it, after the samples if asked."""
    folder.mkdir(exist_ok=True)
    write(folder, folder.name, title, body, day=day)
    sources = [SourceSpec(str(folder))]
    container.pipeline.run([*sources, SourceSpec(str(SAMPLES_DIR))] if samples else sources)


def build(container: Container, folder: Path) -> None:
    """Samples plus filler stories, one rare number, and one story told by two outlets."""
    folder.mkdir(exist_ok=True)
    for i, topic in enumerate(FILLER_TOPICS):
        body = "\n\n".join(
            f"Officials discussed the {topic} at length on day {p}, and residents raised "
            f"questions about costs, schedules and who would be affected by the changes."
            for p in range(6)
        )
        write(folder, f"filler{i}", f"Update on the {topic}", body, day=1 + i)
    write(folder, "census", "Village census results published",
          "The regional statistics office published its annual village report on Monday.\n\n"
          "Volunteers counted 3,518 residents in Oakridge this spring, the office said, "
          "up slightly from the previous survey.", day=3)
    story = ("Wildfire crews contained the Brackenridge fire on Thursday after four days, "
             "officials said. About 2,000 hectares of forest burned and 300 people were "
             "evacuated from two villages.")
    write(folder, "fire-a", "Crews contain Brackenridge wildfire", story, day=9,
          source="Mountain Times")
    write(folder, "fire-b", "Crews contain Brackenridge wildfire after four days",
          story.replace("officials said", "the fire service said"), day=9,
          url="https://other.example/fire", source="Valley Post")
    container.pipeline.run([SourceSpec(str(SAMPLES_DIR)), SourceSpec(str(folder))])
