"""The sample articles bundled for `make demo` (written for newsdesk, not copied)."""

from pathlib import Path

SAMPLES_DIR = Path(__file__).resolve().parent / "samples"
SAMPLES_NAME = "newsdesk samples"
