"""Callback data: every kind round-trips, fits in 64 bytes, old strings decode, forgeries don't."""

from __future__ import annotations

import pytest

from bot.telegram import callbacks
from bot.telegram.callbacks import (
    SUBSCRIPTION_BUTTONS,
    AskAbout,
    AskExample,
    Button,
    Confirm,
    FollowQuoted,
    FollowStory,
    Resume,
    SetMode,
    ShowMore,
    TapStory,
    Undo,
    Unsubscribe,
    decode,
)
from core.models import DIGEST, INSTANT

BIGGEST_ID = 10**18 - 1  # 18 digits: more subscriptions than any database will hold

EVERY_KIND: list[Button] = [
    SetMode(12, DIGEST), SetMode(12, INSTANT, in_list=True), Unsubscribe(7),
    Unsubscribe(7, in_list=True), Undo(3), FollowQuoted(BIGGEST_ID), Resume(BIGGEST_ID),
    AskAbout("0123456789abcdef0123"), Confirm("addsource", "a1" * 8, yes=True),
    Confirm("forget", "f" * 40, yes=False), ShowMore("0123456789abcdef"),
    FollowStory("a" * 54), AskExample("0123456789abcdef0123"),
    TapStory(BIGGEST_ID, "0123456789abcdef0123", liked=True), TapStory(5, "a" * 20, liked=False),
    TapStory(5, "a" * 20, liked=None),
]


@pytest.mark.parametrize("button", EVERY_KIND, ids=repr)
def test_every_kind_round_trips_within_64_bytes(button: Button) -> None:
    data = button.encode()
    assert len(data.encode()) <= callbacks.MAX_BYTES
    assert decode(data) == button


# exactly what the bot sent before callbacks.py: buttons under messages already in chats
OLD_STRINGS: dict[str, Button] = {
    "sub:digest:12": SetMode(12, DIGEST),
    "sub:undo:12": Undo(12),
    "sub:q:12": FollowQuoted(12),
    "sub:instant:4:l": SetMode(4, INSTANT, in_list=True),
    "sub:digest:4:l": SetMode(4, DIGEST, in_list=True),
    "sub:rm:4:l": Unsubscribe(4, in_list=True),
    "sub:rm:9": Unsubscribe(9),
    "alert:ask:5f1c0a9e2b7d4c3a8e6f": AskAbout("5f1c0a9e2b7d4c3a8e6f"),
    "addsource:3fa2c91b0d4e:yes": Confirm("addsource", "3fa2c91b0d4e", yes=True),
    "addsource:3fa2c91b0d4e:cancel": Confirm("addsource", "3fa2c91b0d4e", yes=False),
    "forget:0b1c2d3e4f5a:yes": Confirm("forget", "0b1c2d3e4f5a", yes=True),
    "forget:0b1c2d3e4f5a:cancel": Confirm("forget", "0b1c2d3e4f5a", yes=False),
}


@pytest.mark.parametrize(("data", "button"), OLD_STRINGS.items())
def test_old_buttons_still_decode_and_encode_the_same(data: str, button: Button) -> None:
    assert decode(data) == button
    assert button.encode() == data


@pytest.mark.parametrize("data", [
    "", ":", "sub", "sub:", "sub:rm", "sub:rm:", "sub:rm:x", "sub:rm:-1", "sub:rm:+1",
    "sub:rm: 1", "sub:rm:1_0", "sub:rm:٣", "sub:rm:1:x", "sub:rm:1:l:l", "sub:undo:1:l",
    "sub:q:1:l", "sub:back:1:l", "sub:back:x", "sub:weekly:1", "sub:rm:1234567890123456789",
    "SUB:rm:1", "alert:ask:",
    "alert:ask:a:b", "alert:tell:abc", "alert:ask:é", "alert:ask:" + "a" * 55,
    "addsource:3fa2c91b0d4e", "addsource:3fa2c91b0d4e:maybe", "addsource:XYZ:yes",
    "addsource:abc:yes", "removesource:3fa2c91b0d4e:yes", "forget:3fa2c91b0d4e:yes:1",
    "more", "more:", "more:XYZ", "more:0123456789abcdef:yes", "more:abc",
    "follow:", "follow:a:b", "follow:é", "follow:" + "a" * 55, "FOLLOW:abc",
    "x" * 65, "sub:rm:1\n", "\udcff", "sub:rm:1\x00",
    "tap", "tap:1:abc", "tap:1:abc:yes", "tap:x:abc:y", "tap:1::y", "tap:1:a b:y",
    "tap:-1:abc:y", "tap:1:abc:y:l", "TAP:1:abc:y",
])
def test_forged_or_malformed_data_is_none(data: str) -> None:
    assert decode(data) is None


@pytest.mark.parametrize("data", [None, 12, b"sub:rm:1", object()])
def test_data_that_is_not_a_string_is_none(data: object) -> None:
    assert decode(data) is None


@pytest.mark.parametrize("button", [
    AskAbout("a" * 55), SetMode(1, "weekly"), Confirm("forget", "NOT-HEX", yes=True),
    Unsubscribe(-1), ShowMore("abc"), FollowStory("a b"), AskExample("a:b"),
    TapStory(1, "a:b", liked=True), TapStory(BIGGEST_ID, "a" * 54, liked=True),
], ids=repr)
def test_a_button_that_would_not_read_back_is_refused_when_built(button: Button) -> None:
    with pytest.raises(AssertionError):
        button.encode()


def test_handler_patterns_come_from_the_kinds() -> None:
    subscriptions = callbacks.pattern(*SUBSCRIPTION_BUTTONS)
    assert subscriptions.pattern == "^(?:sub):"
    admin = callbacks.pattern(Confirm)
    assert all(admin.match(b.encode()) for b in EVERY_KIND if isinstance(b, Confirm))
    assert not any(admin.match(b.encode()) for b in EVERY_KIND if not isinstance(b, Confirm))
    assert callbacks.pattern(AskAbout).match("alert:ask:abc")


def test_the_answer_buttons_have_handlers_of_their_own() -> None:
    more, follow = callbacks.pattern(ShowMore), callbacks.pattern(FollowStory)
    tap = callbacks.pattern(TapStory)
    for button in EVERY_KIND:
        assert bool(more.match(button.encode())) == isinstance(button, ShowMore)
        assert bool(follow.match(button.encode())) == isinstance(button, FollowStory)
        assert bool(tap.match(button.encode())) == isinstance(button, TapStory)
