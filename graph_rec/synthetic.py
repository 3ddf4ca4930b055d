"""Synthetic rating data in the MovieLens "latest" CSV format, for load and latency tests at any size.

The shape follows MovieLens. Movie popularity falls off as a power of the popularity rank,
which gives a few blockbusters and a long tail. User activity is log-normal with at least 20
ratings per user, and ratings take the half-star values 0.5 to 5.0. Every movie gets genres,
actors and a director in the cast-and-crew format. Files are written user by user, so memory stays bounded
by the movie count, not the rating count.
"""

from __future__ import annotations

import csv
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from graph_rec.progress import progress_bar

logger = logging.getLogger(__name__)

GENRES = (
    "Action", "Adventure", "Animation", "Children", "Comedy", "Crime", "Documentary", "Drama", "Fantasy",
    "Film-Noir", "Horror", "IMAX", "Musical", "Mystery", "Romance", "Sci-Fi", "Thriller", "War", "Western",
)
# Genre frequencies roughly as in ml-latest-small: Drama and Comedy common, Film-Noir and IMAX rare.
GENRE_WEIGHTS = (18, 12, 6, 7, 39, 13, 4, 45, 8, 1, 10, 2, 3, 6, 15, 10, 20, 4, 2)
RATING_VALUES = np.arange(1, 11) / 2  # 0.5, 1.0, ..., 5.0
# Share of each rating value in ml-latest-small, rounded: 4.0 and 3.0 are the most common.
RATING_SHARES = np.array([1.4, 2.8, 1.8, 7.5, 5.6, 19.9, 13.0, 26.6, 8.5, 13.2])
MIN_USER_RATINGS = 20
POPULARITY_EXPONENT = 0.9  # weight of the movie at popularity rank r is r ** -0.9
FIRST_TIMESTAMP = 828_000_000  # March 1996, when the MovieLens ratings begin
LAST_TIMESTAMP = 1_537_000_000  # September 2018


@dataclass(frozen=True)
class GeneratedFiles:
    """Location and row counts of the generated files."""

    directory: Path
    credits_path: Path
    users: int
    movies: int
    ratings: int


def user_rating_counts(users: int, movies: int, ratings: int, generator: np.random.Generator) -> np.ndarray:
    """Draw log-normal rating counts per user, at least 20 and at most movies, that add up to ``ratings``."""
    if users < 1 or movies < MIN_USER_RATINGS:
        raise ValueError(f"need at least 1 user and {MIN_USER_RATINGS} movies, got {users} users and {movies} movies")
    if not users * MIN_USER_RATINGS <= ratings <= users * movies:
        raise ValueError(
            f"ratings must be from {users * MIN_USER_RATINGS:,} ({MIN_USER_RATINGS} per user) "
            f"to {users * movies:,} (every user rates every movie), got {ratings:,}"
        )
    weights = generator.lognormal(mean=0.0, sigma=1.2, size=users)
    extra = ratings - users * MIN_USER_RATINGS
    counts = MIN_USER_RATINGS + np.floor(weights / weights.sum() * extra).astype(np.int64)
    counts = np.minimum(counts, movies)
    # Hand out what rounding and the cap left over, one rating at a time to users with room.
    missing = ratings - int(counts.sum())
    while missing > 0:
        room = np.flatnonzero(counts < movies)
        chosen = generator.choice(room, size=min(missing, len(room)), replace=False)
        counts[chosen] += 1
        missing -= len(chosen)
    return counts


def popularity(movies: int, generator: np.random.Generator) -> np.ndarray:
    """Return each movie's probability of being rated: a power law over a random popularity rank."""
    ranks = generator.permutation(movies) + 1
    weights = ranks.astype(float) ** -POPULARITY_EXPONENT
    return weights / weights.sum()


def sample_movies(count: int, log_weights: np.ndarray, generator: np.random.Generator) -> np.ndarray:
    """Draw ``count`` distinct movie indexes with probability proportional to exp(log_weights).

    Adding Gumbel noise to log weights and keeping the largest keys samples without replacement.
    """
    keys = log_weights + generator.gumbel(size=len(log_weights))
    if count >= len(keys):
        return np.arange(len(keys))
    return np.argpartition(-keys, count - 1)[:count]


def generate(
    output: Path, users: int, movies: int, ratings: int, seed: int = 42, people: int | None = None
) -> GeneratedFiles:
    """Write movies.csv, links.csv, ratings.csv, an empty tags.csv and credits.csv into ``output``."""
    generator = np.random.default_rng(seed)
    counts = user_rating_counts(users, movies, ratings, generator)
    output = Path(output)
    output.mkdir(parents=True, exist_ok=True)
    people = people or max(10, movies * 2)

    movie_genres = _write_movies(output, movies, generator)
    credits_path = _write_credits(output, movies, people, movie_genres, generator)
    _write_ratings(output / "ratings.csv", counts, np.log(popularity(movies, generator)), generator)
    (output / "tags.csv").write_text("userId,movieId,tag,timestamp\n")
    logger.info("generated %d users, %d movies and %d ratings in %s", users, movies, ratings, output)
    return GeneratedFiles(output, credits_path, users, movies, int(counts.sum()))


def _write_movies(output: Path, movies: int, generator: np.random.Generator) -> list[list[str]]:
    genre_probabilities = np.array(GENRE_WEIGHTS, dtype=float) / sum(GENRE_WEIGHTS)
    years = generator.integers(1920, 2019, size=movies)
    movie_genres = []
    with open(output / "movies.csv", "w", newline="", encoding="utf-8") as movie_file, open(
        output / "links.csv", "w", newline="", encoding="utf-8"
    ) as link_file:
        movie_writer, link_writer = csv.writer(movie_file), csv.writer(link_file)
        movie_writer.writerow(["movieId", "title", "genres"])
        link_writer.writerow(["movieId", "imdbId", "tmdbId"])
        for index in range(movies):
            movie_id = index + 1
            size = int(generator.integers(1, 4))
            genres = [GENRES[g] for g in sorted(generator.choice(len(GENRES), size=size, replace=False, p=genre_probabilities))]
            movie_genres.append(genres)
            movie_writer.writerow([movie_id, f"Synthetic Movie {movie_id} ({years[index]})", "|".join(genres)])
            link_writer.writerow([movie_id, f"{9_000_000 + movie_id:07d}", 900_000 + movie_id])
    return movie_genres


def _write_credits(
    output: Path, movies: int, people: int, movie_genres: list[list[str]], generator: np.random.Generator
) -> Path:
    # Some people act in many movies and most in few, as in real casts.
    person_log_weights = np.log(popularity(people, generator))
    path = output / "credits.csv"
    with open(path, "w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(["movieId", "released", "title", "actors", "director", "genres", "imdbRating"])
        for index in range(movies):
            cast = sample_movies(5, person_log_weights, generator)
            actors = "|".join(f"Actor {person + 1}" for person in cast[:4])
            director = f"Director {int(cast[4]) % max(1, people // 4) + 1}"
            released = f"{int(generator.integers(1920, 2019))}-01-01"
            writer.writerow([index + 1, released, f"Synthetic Movie {index + 1}", actors, director, "|".join(movie_genres[index]), ""])
    return path


def _write_ratings(path: Path, counts: np.ndarray, log_weights: np.ndarray, generator: np.random.Generator) -> None:
    shares = RATING_SHARES / RATING_SHARES.sum()
    with open(path, "w", newline="", encoding="utf-8") as file, progress_bar(int(counts.sum()), path.name, " ratings") as bar:
        file.write("userId,movieId,rating,timestamp\n")
        for index, count in enumerate(counts):
            movie_indexes = np.sort(sample_movies(int(count), log_weights, generator))
            values = generator.choice(RATING_VALUES, size=len(movie_indexes), p=shares)
            start = int(generator.integers(FIRST_TIMESTAMP, LAST_TIMESTAMP))
            times = np.sort(generator.integers(start, min(start + 400 * 86_400, LAST_TIMESTAMP + 1), size=len(movie_indexes)))
            lines = [
                f"{index + 1},{movie + 1},{value:.1f},{time}\n"
                for movie, value, time in zip(movie_indexes.tolist(), values.tolist(), times.tolist())
            ]
            file.writelines(lines)
            bar.update(len(lines))
