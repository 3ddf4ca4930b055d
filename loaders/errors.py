"""The error that the loaders raise for input files that cannot be loaded as they are."""

from __future__ import annotations

from pathlib import Path


class InputFileError(ValueError):
    """An input file is missing, unreadable or contains an invalid value.

    The message names the file, the 1-based line (the header is line 1), the column and the
    value where they are known, and ends with how to fix the file. The same facts are attributes,
    so a caller can show them in its own form.
    """

    def __init__(
        self,
        path: str | Path,
        problem: str,
        fix: str,
        *,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
    ):
        self.path = str(path)
        self.problem = problem
        self.fix = fix
        self.line = line
        self.column = column
        self.value = value
        super().__init__(self._format())

    def _format(self) -> str:
        location = [self.path]
        if self.line is not None:
            location.append(f"line {self.line}")
        if self.column is not None:
            location.append(f"column {self.column!r}")
        return f"{', '.join(location)}: {self.problem}. {self.fix}"
