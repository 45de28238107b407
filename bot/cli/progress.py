"""A progress bar on a terminal, silence elsewhere."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tqdm import tqdm


class ProgressBar:
    """Callable progress reporter for the pipeline; draws only when stderr is a TTY."""

    def __init__(self, label: str) -> None:
        self._bar: tqdm | None = None
        self._label = label
        self._enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int | None, what: str) -> None:
        if not self._enabled:
            return
        if self._bar is None:
            from tqdm import tqdm  # only when drawing: importing it costs every command

            self._bar = tqdm(total=total, desc=self._label, unit="article", file=sys.stderr,
                             leave=False, dynamic_ncols=True)
        if total is not None and self._bar.total != total:
            self._bar.total = total
        self._bar.n = done
        self._bar.set_postfix_str(what[:40], refresh=False)
        self._bar.refresh()

    def __enter__(self) -> ProgressBar:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.close()
