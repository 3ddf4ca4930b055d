"""Live feedback: the small writes people make while the service runs.

A rating is created or replaced with ``put_rating`` and removed with ``delete_rating``.
``hide_movie`` records that a user is not interested in a movie. ``delete_user`` removes a
user with everything they wrote. Each write marks the user changed, so their next
recommendation runs the live queries that see it, and precompute counts its data as stale.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass

from graph_rec.db import Graph
from graph_rec.recommend import UnknownMovieError, UnknownUserError

logger = logging.getLogger(__name__)

MIN_RATING_VALUE = 0.5
MAX_RATING_VALUE = 5.0
RATING_STEP = 0.5
MAX_PAGE_SIZE = 100


class InvalidRatingError(ValueError):
    """A rating value outside 0.5 to 5.0 or between the half steps."""


@dataclass(frozen=True)
class RatingPage:
    """One page of a user's ratings, newest first, and how many ratings the user has in all."""

    total: int
    ratings: list[dict]


def check_rating(value) -> float:
    """Return ``value`` as a float when it is a MovieLens rating (0.5 to 5.0 in steps of 0.5), else raise InvalidRatingError."""
    # NaN and infinity fail the range test; an int of any size compares exactly.
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not is_number or not MIN_RATING_VALUE <= value <= MAX_RATING_VALUE or (value / RATING_STEP) % 1:
        raise InvalidRatingError(f"invalid rating {json.dumps(value)}: use a number from 0.5 to 5.0 in steps of 0.5")
    return float(value)


def put_rating(graph: Graph, user_id: int, movie_id: int, rating: float) -> bool:
    """Create or replace a user's rating of a movie, creating the user if new; return True when the rating is new."""
    value = check_rating(rating)
    rows = graph.write("live/rating_put", user_id=user_id, movie_id=movie_id, rating=value, timestamp=int(time.time()))
    if not rows:
        raise UnknownMovieError(f"movie {movie_id} not found")
    created = rows[0]["created"]
    logger.info("user %d %s rating %g for movie %d", user_id, "added" if created else "replaced", value, movie_id)
    return created


def delete_rating(graph: Graph, user_id: int, movie_id: int) -> bool:
    """Remove a user's rating of a movie; return False when there was none."""
    deleted = bool(graph.write("live/rating_delete", user_id=user_id, movie_id=movie_id))
    if deleted:
        logger.info("user %d removed the rating of movie %d", user_id, movie_id)
    return deleted


def user_ratings(graph: Graph, user_id: int, offset: int = 0, limit: int = 20) -> RatingPage:
    """Return one page of a user's ratings, newest first; raise UnknownUserError for an unknown user."""
    if not 1 <= limit <= MAX_PAGE_SIZE or offset < 0:
        raise ValueError(f"limit must be 1 to {MAX_PAGE_SIZE} and offset 0 or more, got {limit} and {offset}")
    rows = graph.read("live/user_ratings", user_id=user_id, offset=offset, limit=limit)
    if not rows:
        raise UnknownUserError(f"user {user_id} not found")
    return RatingPage(total=rows[0]["total"], ratings=rows[0]["ratings"])


def hide_movie(graph: Graph, user_id: int, movie_id: int) -> None:
    """Keep a movie out of a user's recommendations from now on, creating the user if new."""
    if not graph.write("live/not_interested", user_id=user_id, movie_id=movie_id):
        raise UnknownMovieError(f"movie {movie_id} not found")
    logger.info("user %d is not interested in movie %d", user_id, movie_id)


def delete_user(graph: Graph, user_id: int) -> int:
    """Remove a user and their ratings, tags and hidden movies; return how many ratings went with them."""
    rows = graph.write("live/user_delete", user_id=user_id)
    if not rows:
        raise UnknownUserError(f"user {user_id} not found")
    logger.info("user %d deleted with %d ratings", user_id, rows[0]["ratings"])
    return rows[0]["ratings"]
