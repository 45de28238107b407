"""What every feature module gives the application: its list of PTB handlers."""

from __future__ import annotations

from typing import Protocol

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes

Handlers = list[BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]]


class Feature(Protocol):
    """A handler module's entry point (questions, browsing, admin...)."""

    def handlers(self) -> Handlers:
        """The feature's handlers, in the order they should be tried."""
        ...
