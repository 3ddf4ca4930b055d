"""Read IMDb's tab-separated files in one pass each, plain or gzip-compressed, without holding them in memory.

IMDb publishes UTF-8 files with a header line, one record per line, fields separated by tabs
without quoting, and ``\\N`` for a missing value (https://developer.imdb.com/non-commercial-datasets/).
Lines are split as bytes, and only the rows that a caller keeps are decoded, because a file has
tens of millions of lines and a MovieLens load keeps a small part of them.

Every line must have one field per header column and a well-formed key in its first requested
column (a tconst or nconst). Kept rows are then checked field by field through ``TsvRow``.
"""

from __future__ import annotations

import gzip
import io
import logging
import re
import time
import zlib
from collections.abc import Container, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from loaders.errors import InputFileError
from loaders.movielens import FileReport, column_positions

logger = logging.getLogger(__name__)

# IMDb's marker for a missing value.
NULL = b"\\N"
GZIP_MAGIC = b"\x1f\x8b"
DOWNLOAD_URL = "https://datasets.imdbws.com/"
# A read logs its progress after every PROGRESS_LINES lines.
PROGRESS_LINES = 5_000_000
# Maximum characters of a line that an error message quotes.
QUOTED_LINE_CHARACTERS = 300

# Exceptions that gzip raises for a damaged or truncated stream. gzip.BadGzipFile is an OSError.
DECOMPRESSION_ERRORS = (EOFError, OSError, zlib.error)

FIX_VALUE = "Correct the value or delete the line, then run the load again"
FIX_DOWNLOAD = f"Download the file again from {DOWNLOAD_URL}, because a file cut short or edited by hand often causes this"


@dataclass(frozen=True)
class IdForm:
    """The form of an IMDb identifier column: its name, a pattern for its bytes, and the form in words."""

    column: str
    pattern: re.Pattern[bytes]
    description: str

    def is_valid(self, value: bytes) -> bool:
        return self.pattern.fullmatch(value) is not None


# IMDb ids are a two-letter prefix and at least 7 digits, zero-padded: tt0114709, nm0000158, tt10872600.
TCONST = IdForm("tconst", re.compile(rb"tt[0-9]{7,}"), "'tt' followed by at least 7 digits, such as tt0114709")
NCONST = IdForm("nconst", re.compile(rb"nm[0-9]{7,}"), "'nm' followed by at least 7 digits, such as nm0000158")


@dataclass(frozen=True)
class TsvRow:
    """One kept line of a TSV file: its 1-based line number and the raw values of the requested columns."""

    path: Path
    line: int
    columns: Sequence[str]
    values: Sequence[bytes]

    def raw(self, column: str) -> bytes:
        return self.values[self.columns.index(column)]

    def text(self, column: str) -> str | None:
        """Decode the value of ``column`` as UTF-8, with None for ``\\N``."""
        value = self.raw(column)
        if value == NULL:
            return None
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError as error:
            bad_byte = f"0x{value[error.start]:02X}"
            raise self.error(
                column,
                f"the value is not valid UTF-8 (byte {bad_byte})",
                "IMDb files are UTF-8: download the file again, or convert an edited copy to UTF-8",
            ) from None

    def error(self, column: str | None, problem: str, fix: str = FIX_VALUE) -> InputFileError:
        """Build the error for this line, with the value of ``column`` when one is given."""
        value = None if column is None else self.raw(column).decode("utf-8", "backslashreplace")
        return InputFileError(self.path, problem, fix, line=self.line, column=column, value=value)


def find_tsv(directory: Path, name: str) -> Path | None:
    """Return ``<name>.tsv`` or ``<name>.tsv.gz`` in ``directory``, the plain file when both exist, or None."""
    plain = directory / f"{name}.tsv"
    compressed = directory / f"{name}.tsv.gz"
    if plain.is_file() and compressed.is_file():
        logger.info("%s and %s both exist, so %s is read, because it needs no decompression", plain.name, compressed.name, plain)
    if plain.is_file():
        return plain
    if compressed.is_file():
        return compressed
    return None


def read_matching_rows(
    path: Path,
    columns: Sequence[str],
    key: IdForm,
    keys_to_keep: Container[bytes],
    report: FileReport,
    skip_reason: str,
) -> Iterator[TsvRow]:
    """Yield the rows of ``path`` whose key (``columns[0]``, of form ``key``) is in ``keys_to_keep``.

    Every line is checked for its field count and the form of its key, and raises InputFileError
    at the first invalid one. Rows with another key are counted in ``report`` under ``skip_reason``.
    The file is read once, whether or not it is gzip-compressed (detected from its first bytes).
    """
    started = time.perf_counter()
    kept = skipped = 0
    with _open_binary(path) as file:
        header = _read_header(path, file, columns)
        indexes = [header.index(name) for name in columns]
        key_index = indexes[0]
        width = len(header)
        line = 1
        try:
            for line, data in enumerate(file, start=2):
                fields = data.rstrip(b"\r\n").split(b"\t")
                if len(fields) != width:
                    if fields == [b""]:
                        continue  # a blank line, which IMDb does not write but an editor may leave
                    raise _field_count_error(path, header, fields, line)
                value = fields[key_index]
                if value in keys_to_keep:
                    kept += 1
                    yield TsvRow(path, line, columns, [fields[index] for index in indexes])
                elif key.is_valid(value):
                    skipped += 1
                else:
                    raise _invalid_key_error(path, key, value, line)
                if line % PROGRESS_LINES == 0:
                    _log_progress(path, line, kept, started)
        except DECOMPRESSION_ERRORS as error:
            raise _damaged_error(path, line + 1, error) from None

    report.rows_read += kept + skipped
    report.skip(skip_reason, skipped)
    logger.info(
        "read %s: %d rows, kept %d, in %.1f s", path, kept + skipped, kept, time.perf_counter() - started
    )


@contextmanager
def _open_binary(path: Path) -> Iterator[BinaryIO]:
    """Open ``path`` for reading bytes, decompressing it when it starts with the gzip magic number."""
    try:
        raw = path.open("rb")
    except OSError as error:
        raise InputFileError(path, f"cannot be read ({error.strerror})", "Check the path and the file's permissions") from None
    with raw:
        compressed = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        if not compressed:
            yield raw
            return
        with gzip.GzipFile(fileobj=raw, mode="rb") as decompressed:
            # BufferedReader splits lines in C, where iterating GzipFile makes a Python call per line
            # and took 1.6 times as long on 8 million lines.
            yield io.BufferedReader(decompressed, buffer_size=1 << 20)


def _read_header(path: Path, file: BinaryIO, columns: Sequence[str]) -> list[str]:
    """Read the header line and check that it names every column of ``columns`` exactly once."""
    try:
        data = file.readline()
    except DECOMPRESSION_ERRORS as error:
        raise _damaged_error(path, 1, error) from None
    if not data.strip():
        raise InputFileError(
            path, "the file is empty", f"Download the file again from {DOWNLOAD_URL}; its first line names the columns", line=1
        )
    text = data.removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n").decode("utf-8", "backslashreplace")
    header = text.split("\t")
    fix = (
        f"The header must name the columns {', '.join(columns)}, separated by tabs. "
        "Check that this is the IMDb file of that name"
    )
    column_positions(path, header, columns, fix=fix, line_text=text)
    return header


def _damaged_error(path: Path, line: int, error: Exception) -> InputFileError:
    """Describe a file, most often a gzip stream, whose reading failed at line ``line``."""
    return InputFileError(path, f"reading stopped because the file is damaged or cut short ({error})", FIX_DOWNLOAD, line=line)


def _quote(fields: Sequence[bytes]) -> str:
    text = b"\t".join(fields).decode("utf-8", "backslashreplace")
    if len(text) > QUOTED_LINE_CHARACTERS:
        return text[:QUOTED_LINE_CHARACTERS] + "..."
    return text


def _field_count_error(path: Path, header: list[str], fields: list[bytes], line: int) -> InputFileError:
    width = len(header)
    if len(fields) < width:
        problem = f"the line has {len(fields)} fields but the header has {width}, so it is truncated"
        column = header[len(fields)]
    else:
        problem = f"the line has {len(fields)} fields but the header has {width}"
        column = None
    return InputFileError(
        path,
        problem,
        "IMDb files separate fields with tabs and write \\N for a missing value, so every line has one field "
        f"per header column. Restore the line, or {FIX_DOWNLOAD[0].lower()}{FIX_DOWNLOAD[1:]}",
        line=line,
        column=column,
        value=_quote(fields),
    )


def _invalid_key_error(path: Path, key: IdForm, value: bytes, line: int) -> InputFileError:
    text = value.decode("utf-8", "backslashreplace")
    return InputFileError(
        path, f"invalid {key.column} {text!r}, expected {key.description}", FIX_VALUE, line=line, column=key.column, value=text
    )


def _log_progress(path: Path, line: int, kept: int, started: float) -> None:
    seconds = time.perf_counter() - started
    logger.info("reading %s: %d lines in %.0f s (%.0f lines/s), %d kept", path.name, line, seconds, line / seconds, kept)
