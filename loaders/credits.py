"""Read and validate a cast-and-crew CSV file keyed by MovieLens movieId.

The file has the columns movieId, released, title, actors, director, genres and imdbRating.
actors and director are '|'-separated names in billing order. Only movieId, released, actors,
director and imdbRating are used, because the title and genres of a movie come from MovieLens.

The file has no person ids, so a person is identified by the trimmed name: two different
people with the same name become one Person.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from loaders.movielens import (
    FileReport,
    check_unique,
    drop_unknown_movies,
    parse_optional_float,
    parse_positive_ids,
    read_csv_table,
)

logger = logging.getLogger(__name__)

CREDITS_COLUMNS = ("movieId", "released", "actors", "director", "imdbRating")

# Prefix of person_id for people known only by name. The IMDb loader keys its people as
# 'imdb:nm0000158', and loaders.people merges a person of this file into such a namesake.
NAME_ID_PREFIX = "name:"

REPEATED_ACTOR = "actor name repeated in one movie's list, only its first position is kept"
REPEATED_DIRECTOR = "director name repeated in one movie's list, only its first position is kept"


@dataclass(frozen=True)
class CreditsData:
    """Validated cast-and-crew tables for the movies that MovieLens has.

    ``movies`` has movie_id, released (text as given, or None) and imdb_rating (float or
    None). ``actors`` and ``directors`` have movie_id, person_id, name and order, where order
    is the 0-based position among the movie's names after empty and repeated names are removed.
    """

    movies: pd.DataFrame
    actors: pd.DataFrame
    directors: pd.DataFrame
    report: FileReport


def read_credits(path: str | Path, movie_ids: Collection[int]) -> CreditsData:
    """Read and validate the cast file, skipping and counting rows whose movieId is not in ``movie_ids``."""
    path = Path(path)
    table = read_csv_table(path, CREDITS_COLUMNS)
    released = table.frame["released"]
    rows = pd.DataFrame(
        {
            "movie_id": parse_positive_ids(table, "movieId"),
            "released": released.astype(object).where(released != "", None),
            "imdb_rating": parse_optional_float(table, "imdbRating", 0.0, 10.0),
            "actors": table.frame["actors"].astype(object),
            "director": table.frame["director"].astype(object),
        }
    )
    check_unique(table, ["movieId"])

    report = FileReport(path, len(rows))
    rows = drop_unknown_movies(rows, movie_ids, report)

    actors, repeated_actors = credits_table(rows, "actors")
    directors, repeated_directors = credits_table(rows, "director")
    report.drop_values(REPEATED_ACTOR, repeated_actors)
    report.drop_values(REPEATED_DIRECTOR, repeated_directors)

    movies = rows[["movie_id", "released", "imdb_rating"]].reset_index(drop=True)
    return CreditsData(movies, actors, directors, report)


def split_names(names: str) -> list[str]:
    """Split a '|'-separated list of names, trim each one and drop the empty ones."""
    trimmed = (name.strip() for name in names.split("|"))
    return [name for name in trimmed if name]


def person_id_for_name(name: str) -> str:
    """Return the person_id of someone known only by name."""
    return NAME_ID_PREFIX + name.strip()


def credits_table(rows: pd.DataFrame, column: str) -> tuple[pd.DataFrame, int]:
    """Explode a names column into one row per (movie, person), and count the repeated names dropped."""
    movie_ids: list[int] = []
    names: list[str] = []
    orders: list[int] = []
    repeated = 0
    for movie_id, field in zip(rows["movie_id"].tolist(), rows[column].tolist()):
        listed = split_names(field)
        unique = list(dict.fromkeys(listed))
        repeated += len(listed) - len(unique)
        for order, name in enumerate(unique):
            movie_ids.append(movie_id)
            names.append(name)
            orders.append(order)

    table = pd.DataFrame(
        {
            "movie_id": pd.Series(movie_ids, dtype="int64"),
            "person_id": pd.Series([person_id_for_name(name) for name in names], dtype=object),
            "name": pd.Series(names, dtype=object),
            "order": pd.Series(orders, dtype="int64"),
        }
    )
    return table, repeated
