import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from ingest.loaders import ItemFailure, LoadWarning, SourceLoader
from ingest.loaders.base import LoadEvent
from ingest.models import RawArticle

MB = 1024 * 1024


def _load(path: Path, name: str = "") -> list[LoadEvent]:
    return list(SourceLoader(None, MB).load(str(path), name))


def test_text_file_with_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(
        "---\ntitle: Tram line opens\nsource: City Post\npublished: 2026-01-02\n"
        "url: https://post.example/tram\nauthors: A. One, B. Two\n---\n"
        "The new tram line opened on Friday.\n\nWhat changes\n\nBuses 4 and 7 stop running.\n"
    )
    [article] = _load(path)
    assert isinstance(article, RawArticle)
    assert article.title == "Tram line opens" and article.source == "City Post"
    assert article.authors == ("A. One", "B. Two")
    assert article.text.startswith("The new tram line opened")
    assert "What changes" in article.text


def test_plain_text_uses_first_line_and_source_name(tmp_path: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text("Ferry strike called off\n\nThe ferry strike was called off late on Sunday.\n")
    [article] = _load(path, name="Harbour News")
    assert isinstance(article, RawArticle)
    assert article.title == "Ferry strike called off"
    assert article.source == "Harbour News"


def test_jsonl_with_a_bad_row_keeps_the_good_ones(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    rows = [
        {"url": "https://j.example/1", "title": "One", "text": "First story text.",
         "published": "2022/06/17", "authors": ["X"], "source": "J"},
        {"url": "https://j.example/2", "title": None, "text": "Untitled story. More text."},
    ]
    path.write_text(json.dumps(rows[0]) + "\n{broken\n\n" + json.dumps(rows[1]) + "\n")
    events = _load(path)
    articles = [e for e in events if isinstance(e, RawArticle)]
    failures = [e for e in events if isinstance(e, ItemFailure)]
    assert [a.title for a in articles] == ["One", "Untitled story. More text."]
    assert articles[0].published is not None and articles[0].published.day == 17
    assert len(failures) == 1 and failures[0].origin.endswith(":2")


def test_json_list_of_records(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text(json.dumps([{"title": "T", "text": "Body."}, {"title": "no text"}]))
    events = _load(path)
    assert sum(isinstance(e, RawArticle) for e in events) == 1
    assert any(isinstance(e, ItemFailure) and "no 'text'" in e.reason for e in events)


def test_folder_with_bad_files_reports_each_and_keeps_going(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Good headline here\n\nGood body text.")
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "latin.txt").write_bytes("Café owners protest\n\nLes cafés ferment tôt.".encode(
        "cp1252"))
    (tmp_path / "big.md").write_text("Big\n\n" + "x" * (2 * MB))
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    (tmp_path / ".hidden.txt").write_text("Hidden\n\nSkip me.")
    events = _load(tmp_path)
    articles = {e.title for e in events if isinstance(e, RawArticle)}
    failures = {e.origin.rsplit("/", 1)[-1]: e.reason for e in events if isinstance(e, ItemFailure)}
    warnings = [e.message for e in events if isinstance(e, LoadWarning)]
    assert articles == {"Good headline here", "Café owners protest"}
    assert "empty" in failures["empty.txt"]
    assert "binary" in failures["binary.txt"]
    assert "too large" in failures["big.md"]
    assert any("latin.txt" in w and "UTF-8" in w for w in warnings)


def test_missing_location_is_a_failure(tmp_path: Path) -> None:
    [failure] = _load(tmp_path / "nowhere")
    assert isinstance(failure, ItemFailure) and "no such file" in failure.reason


def test_bad_records_are_per_item_failures_and_the_rest_is_stored(tmp_path: Path) -> None:
    import json as _json

    from ingest.loaders import ItemFailure, SourceLoader

    deep = "[" * 100_000 + "]" * 100_000
    lines = [
        _json.dumps({"title": "Good one", "text": "First good record.", "url": "https://g/1"}),
        _json.dumps({"title": "Huge date", "text": "Body.", "published": 1e20}),
        _json.dumps({"title": "Bad authors", "text": "Body.", "authors": 7}),
        deep,
        _json.dumps({"title": "Bad url", "text": "Body.", "url": {"a": 1}}),
        "not json at all",
        _json.dumps({"title": "Good two", "text": "Second good record.", "url": "https://g/2"}),
    ]
    path = tmp_path / "records.jsonl"
    path.write_text("\n".join(lines))
    events = list(SourceLoader(None, 50 * 1024 * 1024).load(str(path)))
    articles = [e for e in events if isinstance(e, RawArticle)]
    failures = {e.origin.rsplit(":", 1)[1]: e.reason for e in events
                if isinstance(e, ItemFailure)}
    assert [a.title for a in articles] == ["Good one", "Huge date", "Good two"]
    assert articles[1].published is None  # an absurd date is unknown, not a crash
    assert set(failures) == {"3", "4", "5", "6"}
    assert "authors" in failures["3"] and "nested too deeply" in failures["4"]
    (tmp_path / "deep.json").write_text(deep)
    [failure] = list(SourceLoader(None, 50 * 1024 * 1024).load(str(tmp_path / "deep.json")))
    assert isinstance(failure, ItemFailure) and "nested too deeply" in failure.reason


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=4),
    max_leaves=8,
)


@settings(max_examples=150, deadline=None)
@given(record=st.fixed_dictionaries({}, optional={
    field: json_values for field in ("title", "text", "url", "published", "authors", "source")
}))
def test_any_record_is_an_article_or_a_failure_never_an_exception(record: dict[str, Any]) -> None:
    import json as _json

    from ingest.loaders import ItemFailure
    from ingest.loaders.records import load_jsonl

    [event] = list(load_jsonl(_json.dumps(record), "records.jsonl"))
    assert isinstance(event, RawArticle | ItemFailure)
    if isinstance(event, RawArticle):
        assert event.text.strip() and isinstance(event.title, str)
        assert all(isinstance(a, str) for a in event.authors)


def test_future_and_unreadable_dates_are_unknown_with_a_warning(tmp_path: Path) -> None:
    (tmp_path / "future.md").write_text(
        "---\ntitle: From the future\npublished: 9999-12-31\n---\nA story dated far ahead.\n")
    (tmp_path / "odd.md").write_text(
        "---\ntitle: Odd date\npublished: the day after payday\n---\nA story with a word date.\n")
    (tmp_path / "fine.md").write_text(
        "---\ntitle: Dated\npublished: 2026-01-12\n---\nA story with a date.\n")
    events = {e.title: e for e in _load(tmp_path) if isinstance(e, RawArticle)}
    for title in ("From the future", "Odd date"):
        assert events[title].published is None
        assert any("treated as unknown" in w for w in events[title].warnings)
    assert events["Dated"].published is not None and events["Dated"].warnings == ()
