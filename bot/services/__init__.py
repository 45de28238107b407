"""One transport-independent service per use case; the CLI and Telegram both go through them."""
