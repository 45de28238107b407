"""Which messages are questions to the bot (shared by throttling and the question handlers)."""

from __future__ import annotations

from telegram import Message, MessageEntity
from telegram.constants import ChatType
from telegram.ext import filters


def mentions_bot(message: Message, username: str) -> bool:
    """True when the text @-mentions ``username``."""
    return any(
        entity.type == MessageEntity.MENTION
        and message.parse_entity(entity).lower() == f"@{username.lower()}"
        for entity in message.entities
    )


def replies_to_bot(message: Message, bot_id: int) -> bool:
    """True when the message replies to one of the bot's own messages."""
    original = message.reply_to_message
    return bool(original and original.from_user and original.from_user.id == bot_id)


def without_mentions(message: Message) -> str:
    """The text with every @mention removed."""
    text = message.text or ""
    for entity in message.entities:
        if entity.type == MessageEntity.MENTION:
            text = text.replace(message.parse_entity(entity), " ")
    return text


class QuestionFilter(filters.MessageFilter):
    """/ask, any text in a private chat, and group texts that mention or reply to the bot."""

    def filter(self, message: Message) -> bool:
        """True for a message the bot will try to answer."""
        text = message.text or ""
        if text.startswith("/"):
            command = text.split(maxsplit=1)[0].split("@", 1)[0]
            return command == "/ask"
        if not text:
            return False
        if message.chat.type == ChatType.PRIVATE:
            return True
        bot = message.get_bot()
        return mentions_bot(message, bot.username or "") or replies_to_bot(message, bot.id)


QUESTIONS = QuestionFilter(name="questions")
