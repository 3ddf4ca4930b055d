"""Progress bars on stderr for long commands, drawn only when stderr is a terminal."""

from __future__ import annotations

import sys

from tqdm import tqdm


def progress_bar(total: int, description: str, unit: str = " rows", show: bool = True) -> tqdm:
    """Create a bar for ``total`` units that the caller advances.

    tqdm draws nothing when stderr is not a terminal (``disable=None``), so logs and CI output stay clean.
    """
    return tqdm(total=total, desc=description, unit=unit, file=sys.stderr, disable=None if show else True)
