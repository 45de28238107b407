"""What admins ask of newsdesk: its state, and the sources they run from the chat."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.services.ingest_runner import IngestRunner, RunProgress
from bot.services.sources import IngestRun, SourceService
from core.errors import ArticleNotFound, SourceListError
from core.models import Article, Source
from ingest.identity import article_id
from storage import migrate
from storage.alerts import AlertRepository
from storage.articles import ArticleRepository
from storage.browse import BrowseRepository, StoreStats
from storage.confirmations import Confirmation, ConfirmationRepository, Refusal
from storage.database import Database
from storage.subscriptions import SubscriptionRepository

if TYPE_CHECKING:
    from ingest.preview import Preview
    from retrieval.vector_store import VectorStore

# An /addsource or /forget left unanswered this long lapses: its buttons then say so.
CONFIRM_WITHIN = timedelta(hours=24)
ADD_SOURCE = "addsource"
FORGET = "forget"


@dataclass(frozen=True)
class SourceCounts:
    """Sources by health."""

    ok: int = 0
    failing: int = 0
    paused: int = 0
    new: int = 0  # not ingested yet


@dataclass(frozen=True)
class Status:
    """The store's counts, the sources' health, the schedule and the database."""

    stats: StoreStats
    database: str
    schema_revision: str | None
    sources: SourceCounts
    last_ingest: datetime | None
    next_ingest: datetime | None  # None: nothing scheduled
    running: RunProgress | None
    scheduling: bool
    subscriptions: int = 0  # of chats that can be reached
    subscribed_chats: int = 0
    queued_alerts: int = 0  # in the outbox: due, retrying, or held (quiet hours, digests)


def counts_of(sources: Sequence[Source]) -> SourceCounts:
    """How many sources are ok, failing, paused, or not ingested yet."""
    states = Counter(s.state for s in sources)
    return SourceCounts(ok=states["ok"], failing=states["failing"], paused=states["paused"],
                        new=states["new"])


class AdminService:
    """Operations reserved to NEWSDESK_ADMIN_IDS."""

    def __init__(
        self, database: Database, browse: BrowseRepository, sources: SourceService,
        runner: IngestRunner, preview: Callable[[str], Preview], *, scheduling: bool,
        articles: ArticleRepository, vectors: Callable[[], VectorStore],
        subscriptions: SubscriptionRepository, alerts: AlertRepository,
        confirmations: ConfirmationRepository, confirm_within: timedelta = CONFIRM_WITHIN,
    ) -> None:
        self._confirmations = confirmations
        self._confirm_within = confirm_within
        self._subscriptions = subscriptions
        self._alerts = alerts
        self._articles = articles
        self._vectors = vectors  # opened on first use: most admin commands need no Chroma
        self._database = database
        self._browse = browse
        self._sources = sources
        self._runner = runner
        self._preview = preview
        self._scheduling = scheduling

    @property
    def scheduling(self) -> bool:
        """Sources are ingested on a schedule (NEWSDESK_INGEST_INTERVAL_MINUTES > 0)."""
        return self._scheduling

    def status(self) -> Status:
        """Counts, sources, schedule, database and schema revision."""
        sources = self._sources.all()
        attempts = [s.health.last_attempt_at for s in sources if s.health.last_attempt_at]
        return Status(
            self._browse.stats(), self._database.display_url,
            migrate.current_revision(self._database), counts_of(sources),
            max(attempts, default=None),
            self._sources.next_due() if self._scheduling else None,
            self._runner.running(), self._scheduling,
            *self._subscriptions.counts(), self._alerts.queued(),
        )

    def sources(self) -> list[Source]:
        """Every source with its health."""
        return self._sources.all()

    def interval_of(self, source: Source) -> int:
        """Minutes between ingests of ``source``."""
        return self._sources.interval_of(source)

    def preview(self, url: str) -> Preview:
        """A dry run of a URL an admin wants to add: one request, nothing stored."""
        url = url.strip()
        if not url.startswith(("http://", "https://")):
            raise SourceListError("only http(s) URLs can be added from the chat")
        return self._preview(url)

    def add(self, url: str, name: str = "") -> Source:
        """Add a URL source (after its preview was confirmed); due at once."""
        if not url.startswith(("http://", "https://")):
            raise SourceListError("only http(s) URLs can be added from the chat")
        return self._sources.add(url, name)

    def remove(self, name: str) -> Source:
        """Remove a source; its articles stay."""
        return self._sources.remove(name)

    def pause(self, name: str) -> Source:
        """Pause a source."""
        return self._sources.pause(name)

    def resume(self, name: str) -> Source:
        """Resume a source."""
        return self._sources.resume(name)

    def check_source(self, name: str) -> Source:
        """The source named so (SourceListError when there is none)."""
        return self._sources.get(name)

    def article_at(self, url: str) -> Article:
        """The stored article at ``url``; ArticleNotFound when there is none."""
        found = self._articles.get(article_id(url.strip(), ""))
        if found is None:
            raise ArticleNotFound(f"No stored article at {url.strip()}.")
        return found

    def forget(self, url: str) -> Article:
        """Remove the article at ``url`` everywhere, for good (no ingest stores it again).

        Vectors go first, with the article marked pending, so a failure half-way leaves it
        whole and re-indexed by the next ingest rather than half-removed.
        """
        article = self.article_at(url)
        self._articles.mark_unindexed([article.id])
        self._vectors().remove([article.id])
        self._articles.forget(article.id, datetime.now(UTC))
        return article

    def ask_to_add(self, url: str, name: str, chat_id: int, user_id: int) -> str:
        """Keep a previewed /addsource until it is answered; the token its buttons carry."""
        return self._ask(ADD_SOURCE, chat_id, user_id, {"url": url.strip(), "name": name})

    def ask_to_forget(self, url: str, chat_id: int, user_id: int) -> str:
        """Keep a /forget until it is answered; the token its buttons carry."""
        return self._ask(FORGET, chat_id, user_id, {"url": url.strip()})

    def take_confirmation(self, kind: str, token: str, chat_id: int) -> Confirmation | Refusal:
        """The confirmation an admin answered, claimed once (by one press, on one worker).

        "expired": unknown or too old; "used": answered already. Either way nothing is to be done.
        """
        return self._confirmations.take(token, kind, chat_id)

    def carry_out(self, confirmation: Confirmation) -> Source | Article:
        """Do what was confirmed: add the source, or forget the article."""
        if confirmation.kind == FORGET:
            return self.forget(confirmation.payload["url"])
        return self.add(confirmation.payload["url"], confirmation.payload.get("name", ""))

    def _ask(self, kind: str, chat_id: int, user_id: int, payload: dict[str, str]) -> str:
        return self._confirmations.create(kind, chat_id, user_id, payload,
                                          self._confirm_within).token

    def running(self) -> RunProgress | None:
        """The ingest running in this process, if any."""
        return self._runner.running()

    def begin_reingest(self, who: str) -> bool:
        """Claim this process's ingest for ``who`` (False: one is running already)."""
        return self._runner.begin(who)

    def abandon_reingest(self) -> None:
        """Give up a claim whose ingest will not run."""
        self._runner.abandon()

    def reingest(self, who: str, names: Sequence[str] = ()) -> IngestRun | None:
        """Run the ingest claimed with ``begin_reingest``."""
        return self._runner.run(who, names, begun=True)
