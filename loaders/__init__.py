"""Loaders that validate the MovieLens and cast-and-crew CSV files and write them into the graph.

``load_movielens`` validates every file before its first write, so an invalid file raises
``InputFileError`` and leaves the graph as it was.
"""

from loaders.errors import InputFileError
from loaders.writer import LoadSummary, create_schema, load_movielens

__all__ = ["InputFileError", "LoadSummary", "create_schema", "load_movielens"]
