"""Small data directories that tests write, in the formats the loaders read."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path


def write_data_directory(
    parent: Path, name: str, good_files: Mapping[str, str], encoding: str, overrides: Mapping[str, str | bytes | None]
) -> Path:
    """Write ``good_files`` into parent/name, with ``overrides`` replacing files or (None) omitting them.

    Override names use '_' for '.', as in ``u_data`` or ``ratings_csv``; text is encoded with
    ``encoding`` and bytes are written as given.
    """
    directory = parent / name
    directory.mkdir()
    contents = {**good_files, **{file_name.replace("_", "."): text for file_name, text in overrides.items()}}
    for file_name, content in contents.items():
        if content is None:
            continue
        data = content if isinstance(content, bytes) else content.encode(encoding)
        (directory / file_name).write_bytes(data)
    return directory
