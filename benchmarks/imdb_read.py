"""Read speed and memory of the IMDb loader on generated files in IMDb's format, without Neo4j.

Usage: .venv/bin/python -m benchmarks.imdb_read [--titles 1000000] [--linked 10000] [--output DIR]

The script writes title.principals (8 rows a title), title.crew and title.basics (a row a
title) and name.basics (2 rows a title) with made-up ids, as .tsv and as .tsv.gz. It then
times ``read_imdb`` for a MovieLens table that links ``--linked`` random titles, once on each
kind of file, and prints rows per second and the peak resident memory of the process.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import random
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from loaders.imdb import read_imdb

logger = logging.getLogger(__name__)

CATEGORIES = ["actor", "actress", "director", "writer", "producer", "self", "composer", "editor"]
PRINCIPALS_PER_TITLE = 8


def write_files(directory: Path, titles: int, seed: int = 1) -> None:
    """Write the four IMDb files for ``titles`` titles into ``directory`` as plain .tsv."""
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    people = 2 * titles
    with open(directory / "title.principals.tsv", "w", encoding="utf-8") as file:
        file.write("tconst\tordering\tnconst\tcategory\tjob\tcharacters\n")
        for title in range(1, titles + 1):
            for ordering in range(1, PRINCIPALS_PER_TITLE + 1):
                category = rng.choice(CATEGORIES)
                characters = '["Someone"]' if category.startswith("act") else "\\N"
                person = rng.randrange(1, people)
                file.write(f"tt{title:07d}\t{ordering}\tnm{person:07d}\t{category}\t\\N\t{characters}\n")
    with open(directory / "title.crew.tsv", "w", encoding="utf-8") as file:
        file.write("tconst\tdirectors\twriters\n")
        for title in range(1, titles + 1):
            file.write(f"tt{title:07d}\tnm{rng.randrange(1, people):07d}\tnm{rng.randrange(1, people):07d}\n")
    with open(directory / "title.basics.tsv", "w", encoding="utf-8") as file:
        file.write("tconst\ttitleType\tprimaryTitle\toriginalTitle\tisAdult\tstartYear\tendYear\truntimeMinutes\tgenres\n")
        for title in range(1, titles + 1):
            file.write(f"tt{title:07d}\tmovie\tTitle {title}\tTitle {title}\t0\t1995\t\\N\t{60 + title % 90}\tDrama\n")
    with open(directory / "name.basics.tsv", "w", encoding="utf-8") as file:
        file.write("nconst\tprimaryName\tbirthYear\tdeathYear\tprimaryProfession\tknownForTitles\n")
        for person in range(1, people):
            file.write(f"nm{person:07d}\tPerson {person}\t19{person % 100:02d}\t\\N\tactor\ttt0000001\n")


def compress_files(source: Path, target: Path) -> None:
    """Write a .tsv.gz copy of every .tsv file of ``source`` into ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.tsv")):
        with open(path, "rb") as plain, gzip.open(target / f"{path.name}.gz", "wb") as compressed:
            shutil.copyfileobj(plain, compressed)


def linked_movies(titles: int, linked: int, seed: int = 0) -> pd.DataFrame:
    """Return a MovieLens movies table whose imdb_id column links ``linked`` random titles."""
    imdb_numbers = np.random.default_rng(seed).choice(np.arange(1, titles + 1), size=linked, replace=False)
    return pd.DataFrame(
        {
            "movie_id": np.arange(1, linked + 1),
            "year": pd.array([1995] * linked, dtype="Int64"),
            "imdb_id": [f"{number:07d}" for number in imdb_numbers],
        }
    )


def time_read(directory: Path, movies: pd.DataFrame) -> None:
    started = time.perf_counter()
    data = read_imdb(directory, movies)
    seconds = time.perf_counter() - started
    rows = sum(report.rows_read for report in data.reports)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{directory.name}: {rows:,} rows in {seconds:.1f} s ({rows / seconds:,.0f} rows/s); kept {len(data.people):,} "
        f"people, {len(data.actors):,} acting and {len(data.directors):,} directing credits; peak memory {peak_mb:.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--titles", type=int, default=1_000_000, help="titles in the generated files (default 1000000)")
    parser.add_argument("--linked", type=int, default=10_000, help="titles that the MovieLens table links (default 10000)")
    parser.add_argument("--output", type=Path, help="folder for the files, kept afterwards (default: a temporary folder)")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)

    with tempfile.TemporaryDirectory(prefix="imdb-bench-") as temporary:
        root = args.output or Path(temporary)
        started = time.perf_counter()
        write_files(root / "tsv", args.titles)
        compress_files(root / "tsv", root / "tsv.gz")
        print(f"wrote the files for {args.titles:,} titles into {root} in {time.perf_counter() - started:.0f} s")
        movies = linked_movies(args.titles, args.linked)
        time_read(root / "tsv", movies)
        time_read(root / "tsv.gz", movies)


if __name__ == "__main__":
    main()
