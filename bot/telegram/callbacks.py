"""The data behind every inline button: one frozen dataclass per kind, ``encode()`` and ``decode``.

    sub:instant:12  sub:digest:12[:l]   SetMode       switch a topic's alerts (l: under a list)
    sub:rm:12[:l]                       Unsubscribe   stop a topic
    sub:undo:12                         Undo          take back a /subscribe
    sub:q:12                            FollowQuoted  follow the quoted name instead
    sub:back:12                         Resume        take back "Stop this topic" under an alert
    alert:ask:<article id>              AskAbout      move the conversation onto a story
    addsource:<token>:yes|cancel        Confirm       an admin's answer to a stored confirmation
    forget:<token>:yes|cancel
    more:<token>                        ShowMore      add an answer's further quotes (stored)
    follow:<article id>                 FollowStory   /subscribe to the story an answer leads with
    ex:<article id>                     AskExample    ask /start's example question on a story
    tap:12:<article id>:y|n|u           TapStory      👍 / 👎 on a story (its topic learns); Undo

All but Resume and the last four are the strings the bot sent before this module existed, so
buttons under old messages still work. Only database ids and tokens travel, never state, so a
button means the same after a restart and on any worker. Telegram caps the data at 64 bytes,
which ``encode`` asserts; ``decode`` returns None for anything else, since a client can send
any data it likes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Literal

from core.models import DIGEST, INSTANT

MAX_BYTES = 64  # Telegram's limit on callback_data
OUT_OF_DATE = "That button is out of date."  # what a button that does not decode is told
SUBSCRIPTION = "sub"
ALERT = "alert"
MORE = "more"
FOLLOW = "follow"
EXAMPLE = "ex"
TAP = "tap"
LIST = "l"  # the button sits under a list of topics: show the list again once it is pressed
ConfirmKind = Literal["addsource", "forget"]
CONFIRM_KINDS: tuple[ConfirmKind, ...] = ("addsource", "forget")
_ID = re.compile(r"[0-9]{1,18}")  # ASCII digits only: int() would also take "٣" or "1_0"
_ARTICLE_ID = re.compile(r"[0-9A-Za-z_-]{1,54}")
_TOKEN = re.compile(r"[0-9a-f]{8,40}")
_TAP_ANSWERS = {True: "y", False: "n", None: "u"}


@dataclass(frozen=True)
class SetMode:
    """Switch a subscription to instant alerts or the daily digest."""

    PREFIXES: ClassVar[tuple[str, ...]] = (SUBSCRIPTION,)
    subscription_id: int
    mode: str  # INSTANT | DIGEST
    in_list: bool = False

    def encode(self) -> str:
        """``sub:<mode>:<id>[:l]``."""
        return _checked(self, SUBSCRIPTION, self.mode, str(self.subscription_id),
                        *([LIST] if self.in_list else []))


@dataclass(frozen=True)
class Unsubscribe:
    """Stop following a topic."""

    PREFIXES: ClassVar[tuple[str, ...]] = (SUBSCRIPTION,)
    subscription_id: int
    in_list: bool = False

    def encode(self) -> str:
        """``sub:rm:<id>[:l]``."""
        return _checked(self, SUBSCRIPTION, "rm", str(self.subscription_id),
                        *([LIST] if self.in_list else []))


@dataclass(frozen=True)
class Undo:
    """Take back the /subscribe whose confirmation carries the button."""

    PREFIXES: ClassVar[tuple[str, ...]] = (SUBSCRIPTION,)
    subscription_id: int

    def encode(self) -> str:
        """``sub:undo:<id>``."""
        return _checked(self, SUBSCRIPTION, "undo", str(self.subscription_id))


@dataclass(frozen=True)
class FollowQuoted:
    """Follow a name matched by meaning in its quoted form: every story that names it."""

    PREFIXES: ClassVar[tuple[str, ...]] = (SUBSCRIPTION,)
    subscription_id: int

    def encode(self) -> str:
        """``sub:q:<id>``."""
        return _checked(self, SUBSCRIPTION, "q", str(self.subscription_id))


@dataclass(frozen=True)
class Resume:
    """Undo under an alert whose topic was stopped there: follow it again, as it was."""

    PREFIXES: ClassVar[tuple[str, ...]] = (SUBSCRIPTION,)
    subscription_id: int

    def encode(self) -> str:
        """``sub:back:<id>``."""
        return _checked(self, SUBSCRIPTION, "back", str(self.subscription_id))


@dataclass(frozen=True)
class AskAbout:
    """"Ask about this" under an alert: the chat's conversation moves onto that article."""

    PREFIXES: ClassVar[tuple[str, ...]] = (ALERT,)
    article_id: str

    def encode(self) -> str:
        """``alert:ask:<article id>``."""
        return _checked(self, ALERT, "ask", self.article_id)


@dataclass(frozen=True)
class Confirm:
    """An admin's answer to a confirmation kept in the database under ``token``."""

    PREFIXES: ClassVar[tuple[str, ...]] = CONFIRM_KINDS
    kind: ConfirmKind
    token: str
    yes: bool

    def encode(self) -> str:
        """``<kind>:<token>:yes`` or ``<kind>:<token>:cancel``."""
        return _checked(self, self.kind, self.token, "yes" if self.yes else "cancel")


@dataclass(frozen=True)
class ShowMore:
    """"More" under an answer: its further quotes, kept in the database under ``token``."""

    PREFIXES: ClassVar[tuple[str, ...]] = (MORE,)
    token: str

    def encode(self) -> str:
        """``more:<token>``."""
        return _checked(self, MORE, self.token)


@dataclass(frozen=True)
class FollowStory:
    """"Follow this story" under an answer: /subscribe to the names of its lead article."""

    PREFIXES: ClassVar[tuple[str, ...]] = (FOLLOW,)
    article_id: str

    def encode(self) -> str:
        """``follow:<article id>``."""
        return _checked(self, FOLLOW, self.article_id)


@dataclass(frozen=True)
class AskExample:
    """An example question under /start, about the stored story ``article_id``."""

    PREFIXES: ClassVar[tuple[str, ...]] = (EXAMPLE,)
    article_id: str

    def encode(self) -> str:
        """``ex:<article id>``."""
        return _checked(self, EXAMPLE, self.article_id)


@dataclass(frozen=True)
class TapStory:
    """👍 (``liked``) or 👎 on a story under an alert or a /subscribe preview; ``liked`` None
    takes the story's tap back."""

    PREFIXES: ClassVar[tuple[str, ...]] = (TAP,)
    subscription_id: int
    article_id: str
    liked: bool | None

    def encode(self) -> str:
        """``tap:<id>:<article id>:y``, ``...:n`` or ``...:u`` (undo)."""
        return _checked(self, TAP, str(self.subscription_id), self.article_id,
                        _TAP_ANSWERS[self.liked])


Button = (SetMode | Unsubscribe | Undo | FollowQuoted | Resume | AskAbout | Confirm | ShowMore
          | FollowStory | AskExample | TapStory)
SUBSCRIPTION_BUTTONS = (SetMode, Unsubscribe, Undo, FollowQuoted, Resume)


def decode(data: object) -> Button | None:
    """The button ``data`` stands for; None for anything unknown or malformed (never raises)."""
    if not isinstance(data, str) or len(data) > MAX_BYTES or not data.isascii():
        return None
    match data.split(":"):
        case [prefix, action, raw_id, *rest] if prefix == SUBSCRIPTION and _ID.fullmatch(raw_id):
            return _subscription(action, int(raw_id), rest)
        case [prefix, "ask", article_id] if prefix == ALERT and _ARTICLE_ID.fullmatch(article_id):
            return AskAbout(article_id)
        case [("addsource" | "forget") as kind, token, ("yes" | "cancel") as answer] \
                if _TOKEN.fullmatch(token):
            return Confirm(kind, token, answer == "yes")
        case [prefix, token] if prefix == MORE and _TOKEN.fullmatch(token):
            return ShowMore(token)
        case [prefix, article_id] if prefix == FOLLOW and _ARTICLE_ID.fullmatch(article_id):
            return FollowStory(article_id)
        case [prefix, article_id] if prefix == EXAMPLE and _ARTICLE_ID.fullmatch(article_id):
            return AskExample(article_id)
        case [prefix, raw_id, article_id, ("y" | "n" | "u") as answer] \
                if prefix == TAP and _ID.fullmatch(raw_id) and _ARTICLE_ID.fullmatch(article_id):
            return TapStory(int(raw_id), article_id, {"y": True, "n": False}.get(answer))
    return None


def pattern(*kinds: type[Button]) -> re.Pattern[str]:
    """What a CallbackQueryHandler matches to receive ``kinds`` (their prefixes)."""
    prefixes = sorted({prefix for kind in kinds for prefix in kind.PREFIXES})
    return re.compile(rf"^(?:{'|'.join(map(re.escape, prefixes))}):")


def _subscription(action: str, subscription_id: int, rest: list[str]) -> Button | None:
    if rest not in ([], [LIST]):
        return None
    in_list = rest == [LIST]
    if action in (INSTANT, DIGEST):
        return SetMode(subscription_id, action, in_list)
    if action == "rm":
        return Unsubscribe(subscription_id, in_list)
    if in_list:  # undo and quote sit under a /subscribe confirmation, resume under an alert
        return None
    if action == "undo":
        return Undo(subscription_id)
    if action == "q":
        return FollowQuoted(subscription_id)
    if action == "back":
        return Resume(subscription_id)
    return None


def _checked(button: Button, *parts: str) -> str:
    data = ":".join(parts)
    # a button that would not read back as itself (too long, a bad id or token) is our bug
    assert len(data.encode()) <= MAX_BYTES, f"callback data over {MAX_BYTES} bytes: {data!r}"
    assert decode(data) == button, f"callback data does not decode to {button!r}: {data!r}"
    return data
