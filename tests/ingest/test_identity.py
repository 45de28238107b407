from ingest.identity import article_id, canonical_url, content_hash


def test_canonical_url_ignores_tracking_case_www_scheme_fragment_and_slash() -> None:
    base = canonical_url("https://news.example.com/world/story-1")
    assert canonical_url("http://WWW.News.Example.com/world/story-1/?utm_source=rss#top") == base
    assert canonical_url("https://news.example.com/world/story-1?fbclid=abc") == base


def test_canonical_url_keeps_meaningful_query_and_path() -> None:
    assert canonical_url("https://x.example/a?id=2") != canonical_url("https://x.example/a?id=3")
    assert canonical_url("https://x.example/a") != canonical_url("https://x.example/b")


def test_article_id_is_stable_and_falls_back_to_content() -> None:
    digest = content_hash("Title", "Body text")
    assert article_id("https://x.example/a?utm_medium=feed", digest) == article_id(
        "https://x.example/a", "other"
    )
    assert article_id("", digest) == article_id("", digest)
    assert article_id("", digest) != article_id("", content_hash("Title", "Other body"))


def test_content_hash_ignores_whitespace_and_case_only() -> None:
    assert content_hash("A  Title", "Some\n\ntext") == content_hash("a title", "some text")
    assert content_hash("A title", "some text") != content_hash("A title", "some text!")
