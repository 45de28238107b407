import pytest

from ingest.clean import is_boilerplate, normalise_text, split_headline, unbranded

# Shaped like a web page saved as text (nav bar, caption, labels, disclaimer), in our own words.
PAGE_DUMP = """Daily Wire Home|World Desk
Harbour cranes at dawn in a file photo.
PoliticsAnalysis

Ministers Agree on a Plan to Share Port Inspection Data

3 min readSource

Two governments said on Tuesday they would share container inspection records.

The agreement covers the four largest ports and starts in March. Officials said it would cut delays.

Trade Questions Remain

Exporters said they still want lower fees, and talks on tariffs continue next month.

This summary is AI-generated from source articles. Please verify with the original source.

Related Articles"""


def test_page_dump_becomes_one_clean_article_with_its_title() -> None:
    title, body = split_headline(PAGE_DUMP)
    assert title == "Ministers Agree on a Plan to Share Port Inspection Data"
    assert body.startswith("Two governments said on Tuesday")
    assert "Trade Questions Remain" in body
    assert body.endswith("talks on tariffs continue next month.")
    for junk in ("Home|", "file photo", "min read", "AI-generated", "Related Articles"):
        assert junk not in body


def test_plain_first_line_is_the_headline() -> None:
    title, body = split_headline("Ad sales lift profits at media group\n\nProfits rose 76% in Q4.")
    assert title == "Ad sales lift profits at media group"
    assert body == "Profits rose 76% in Q4."


def test_markdown_heading_is_stripped_from_title() -> None:
    title, _ = split_headline("# Storm closes harbour\n\nThe harbour closed on Friday night.")
    assert title == "Storm closes harbour"


def test_normalise_text_tidies_spaces_and_controls() -> None:
    assert normalise_text("a\u00a0 b\r\n\r\n\r\n\r\nc\x07") == "a b\n\nc"


def test_a_cut_link_s_space_before_a_comma_or_stop_goes_and_french_spacing_stays() -> None:
    page = "Tide levels , which the council tracks , rose again ."
    assert normalise_text(page) == "Tide levels, which the council tracks, rose again."
    assert normalise_text("« Quelle surprise ! » a-t-il dit : non.") == (
        "« Quelle surprise ! » a-t-il dit : non.")
    assert normalise_text("Wait ... then 3 .5 and the “barrier” , it said.") == (
        "Wait ... then 3 .5 and the “barrier”, it said.")


def test_boilerplate_detection() -> None:
    assert is_boilerplate("Related Articles")
    assert is_boilerplate("Home | News | World")
    assert not is_boilerplate("The minister said the related articles of the treaty stand.")


def test_spoofing_characters_go_and_what_scripts_need_stays() -> None:
    from ingest.clean import normalise_text

    assert normalise_text("Bank \u202eetaR\u202c cuts rates") == "Bank etaR cuts rates"
    assert normalise_text("\u2066isolated\u2069 and\u200b hidden\u2060 joins") == (
        "isolated and hidden joins")
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # one emoji, three people
    assert normalise_text(f"A {family} visit") == f"A {family} visit"
    hindi = "\u0915\u094d\u200d\u0937"  # a half-form conjunct needs its ZWJ
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # ZWNJ inside a word
    assert normalise_text(hindi) == hindi and normalise_text(persian) == persian
    assert normalise_text("\u200dlead and trail\u200c and twice\u200d\u200d\u200dx") == (
        "lead and trail and twice\u200dx")
    assert normalise_text("\u200fRTL mark stays") == "\u200fRTL mark stays"


@pytest.mark.parametrize(("title", "source", "shown"), [
    ("Fed raises rates by half a point - CNN", "cnn.com", "Fed raises rates by half a point"),
    ("Why the Senate stalled - CNNPolitics", "www.cnn.com", "Why the Senate stalled"),
    ("Markets slide on rate fears - CNN Business", "cnn.com", "Markets slide on rate fears"),
    ("Harbour tolls explained | The Week UK", "theweek.co.uk", "Harbour tolls explained"),
    ("Harbour floods again - Tide Herald", "Tide Herald", "Harbour floods again"),
    ("Gates hold overnight - CNN", "edition.cnn.com", "Gates hold overnight"),
])
def test_the_outlets_own_name_comes_off_the_end_of_a_headline(
        title: str, source: str, shown: str) -> None:
    assert unbranded(title, source) == shown


@pytest.mark.parametrize(("title", "source"), [
    ("Best cheap eats in America | 24/7 Wall St.", "usatoday.com"),  # another publisher's
    ("Ukraine - Russia talks resume in Istanbul", "cnn.com"),
    ("Inside the newsroom of CNN", "cnn.com"),
    ("Port Halden votes - CNN", ""),
])
def test_a_headline_that_ends_otherwise_stays_whole(title: str, source: str) -> None:
    assert unbranded(title, source) == title
