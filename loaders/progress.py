"""Split rows into write batches and show a progress bar per file on stderr."""

from __future__ import annotations

import sys
from collections.abc import Iterator

from tqdm import tqdm

from graph_rec.progress import progress_bar as graph_rec_progress_bar


def batches_with_progress(
    rows: list[dict], batch_size: int, description: str, show: bool = True
) -> Iterator[list[dict]]:
    """Yield ``rows`` in batches of ``batch_size`` and advance a bar when the consumer requests the next batch.

    The consumer writes a batch before it requests the next one, so the bar counts written rows.
    The bar is drawn only when stderr is a terminal, so logs and CI output stay clean.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, got {batch_size}")
    with tqdm(total=len(rows), desc=description, unit=" rows", file=sys.stderr, disable=None if show else True) as bar:
        for start in range(0, len(rows), batch_size):
            batch = rows[start : start + batch_size]
            yield batch
            bar.update(len(batch))


def progress_bar(total: int, description: str, show: bool = True) -> tqdm:
    """Create a bar on stderr for ``total`` rows that the caller advances; drawn only when stderr is a terminal."""
    return graph_rec_progress_bar(total, description, show=show)
