"""The user-facing layer: settings, composition root, CLI, Telegram bot."""
