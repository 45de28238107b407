"""One story, one alert, and which alerts another outlet's report edits: the rules alone."""

from __future__ import annotations

from core.alert_ledger import Decision, Sent, edit_buttons, editable, on_match

ALONE = Sent(message_id=1001, source="Test Wire", stories_in_message=1)


def test_a_story_is_alerted_once_per_chat() -> None:
    assert on_match(None, queued=False, source="Test Wire") is Decision.QUEUE
    assert on_match(None, queued=True, source="Other Wire") is Decision.NOTHING  # queued
    assert on_match(ALONE, queued=False, source="Test Wire") is Decision.NOTHING  # sent


def test_another_outlets_report_edits_an_alert_sent_on_its_own() -> None:
    assert on_match(ALONE, queued=False, source="Other Wire") is Decision.EDIT
    assert editable(ALONE, "Other Wire")
    assert not editable(ALONE, "Test Wire")  # the same outlet: a rewrite, nothing new
    assert not editable(ALONE, "")  # an outlet unknown (the article is gone)


def test_an_alert_that_cannot_be_edited_stays_as_sent() -> None:
    grouped = Sent(1001, "Test Wire", stories_in_message=3)  # a digest or a burst
    unknown = Sent(None, "Test Wire", stories_in_message=0)  # the message id was not kept
    gone = Sent(1001, None, stories_in_message=1)  # its article was pruned
    for sent in (grouped, unknown, gone):
        assert not editable(sent, "Other Wire")
        assert on_match(sent, queued=False, source="Other Wire") is Decision.NOTHING


def test_an_edited_alert_acts_on_its_subscription_or_offers_undo() -> None:
    assert edit_buttons(7, stopped=False) == (7, None)
    assert edit_buttons(7, stopped=True) == (None, 7)  # "Stop this topic" was pressed: Undo
    assert edit_buttons(None, stopped=False) == (None, None)  # removed since
