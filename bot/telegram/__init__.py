"""The Telegram transport: thin python-telegram-bot handlers over NewsService."""
