"""Loaders that validate the MovieLens and cast-and-crew CSV files and write them into the graph.

``load_movielens`` validates every file before its first write, so an invalid file raises
``InputFileError`` and leaves the graph as it was. ``load_ml100k`` does the same for the
MovieLens 100K files, and ``load_movielens_with_imdb`` for MovieLens with IMDb's cast and crew
files. A graph contains one data set, and a load that would add a second one
raises ``DatasetConflictError`` before its first write.
"""

from loaders.errors import InputFileError
from loaders.imdb import ImdbData, load_movielens_with_imdb, read_imdb, write_imdb
from loaders.ml100k import ML100kData, load_ml100k, read_ml100k, write_ml100k
from loaders.writer import DatasetConflictError, LoadSummary, create_schema, load_movielens, write_movielens

__all__ = [
    "DatasetConflictError",
    "ImdbData",
    "InputFileError",
    "LoadSummary",
    "ML100kData",
    "create_schema",
    "load_ml100k",
    "load_movielens",
    "load_movielens_with_imdb",
    "read_imdb",
    "read_ml100k",
    "write_imdb",
    "write_ml100k",
    "write_movielens",
]
