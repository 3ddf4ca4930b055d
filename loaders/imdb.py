"""Read IMDb's cast and crew files for the movies of a MovieLens load, and write them into the graph.

The files are IMDb's published datasets (https://datasets.imdbws.com/), each as ``<name>.tsv.gz``
or ``<name>.tsv`` in one directory:

- title.principals: ACTED_IN for the categories actor and actress, in ``ordering`` order, and
  DIRECTED for the category director. Other categories (writer, producer, self, ...) are skipped.
- title.crew: DIRECTED for each nconst of the directors column, in its order. It lists every
  director, where title.principals lists about ten principal people per title.
- name.basics: the name, birth year and death year of each credited person.
- title.basics (optional): runtimeMinutes becomes the movie property runtime_minutes, and
  startYear checks each link. A MovieLens year more than a year away from startYear is logged,
  because it usually means that links.csv names another title.

MovieLens links.csv joins the two: its imdbId 0114709 is the tconst tt0114709. Only the rows
of linked titles are kept, and of name.basics only the people those rows credit, so memory
grows with the MovieLens movies and not with the size of the files.

People are keyed by their IMDb id, as person_id 'imdb:nm0000158'. ``loaders.people`` merges
the people of the cast-and-crew file into them.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from graph_rec.db import Graph
from loaders.credits import person_id_for_name
from loaders.errors import InputFileError
from loaders.imdb_tsv import DOWNLOAD_URL, NCONST, NULL, TCONST, IdForm, TsvRow, find_tsv, read_matching_rows
from loaders.movielens import LINKS_FILE, FileReport
from loaders.people import merge_name_people
from loaders.writer import (
    DEFAULT_BATCH_SIZE,
    ML_LATEST,
    LoadSummary,
    add_validation_seconds,
    check_batch_size,
    read_inputs,
    write_dataset,
    write_movielens,
)

logger = logging.getLogger(__name__)

TITLE_BASICS = "title.basics"
TITLE_PRINCIPALS = "title.principals"
TITLE_CREW = "title.crew"
NAME_BASICS = "name.basics"

# The columns each file must have. The first is the key that selects the rows to keep.
BASICS_COLUMNS = ("tconst", "startYear", "runtimeMinutes")
PRINCIPALS_COLUMNS = ("tconst", "ordering", "nconst", "category")
CREW_COLUMNS = ("tconst", "directors")
NAMES_COLUMNS = ("nconst", "primaryName", "birthYear", "deathYear")

IMDB_ID_PREFIX = "imdb:"
ACTING_CATEGORIES = ("actor", "actress")
DIRECTING_CATEGORY = "director"
# A MovieLens year further than this from IMDb's startYear is logged as a possibly wrong link.
YEAR_TOLERANCE = 1
# Examples that the warning about such links names.
LOGGED_EXAMPLES = 5

NOT_LINKED = "tconst not in MovieLens links.csv"
NOT_CREDITED = "nconst not credited on a linked title"
OTHER_CATEGORY = "category other than actor, actress and director"
REPEATED_CREDIT = "repeats the nconst and role of an earlier row of the same title, only the first ordering is kept"
UNKNOWN_PERSON = "nconst missing from name.basics, or without primaryName there"
REPEATED_DIRECTOR = "nconst repeated in one title's directors, only its first position is kept"
UNKNOWN_DIRECTOR = "director nconst missing from name.basics, or without primaryName there"
NO_NAME = "primaryName is \\N or empty, so the person's credits are skipped"


@dataclass(frozen=True)
class ImdbFiles:
    """Paths of the IMDb files in one directory; ``basics`` is None when title.basics is absent."""

    directory: Path
    principals: Path
    crew: Path
    names: Path
    basics: Path | None


@dataclass(frozen=True)
class ImdbData:
    """Validated IMDb tables for the linked MovieLens movies, ready to write.

    ``movies`` has movie_id and runtime_minutes (empty without title.basics). ``people`` has
    person_id, name, birth_year and death_year (None when IMDb has none). ``actors`` and
    ``directors`` have movie_id, person_id and order, the 0-based position of the person among
    the title's actors or directors after skipped rows are removed.
    """

    files: ImdbFiles
    movies: pd.DataFrame
    people: pd.DataFrame
    actors: pd.DataFrame
    directors: pd.DataFrame
    reports: list[FileReport]


def find_imdb_files(directory: str | Path) -> ImdbFiles:
    """Find the IMDb files in ``directory``, raising InputFileError when a required one is missing."""
    directory = Path(directory)
    if not directory.is_dir():
        raise InputFileError(
            directory, "directory not found", f"Give the directory with the IMDb files downloaded from {DOWNLOAD_URL}"
        )
    found = {name: find_tsv(directory, name) for name in (TITLE_PRINCIPALS, TITLE_CREW, NAME_BASICS, TITLE_BASICS)}
    for name in (TITLE_PRINCIPALS, TITLE_CREW, NAME_BASICS):
        if found[name] is None:
            raise InputFileError(
                directory / f"{name}.tsv.gz",
                f"file not found (nor {name}.tsv)",
                f"Download {name}.tsv.gz from {DOWNLOAD_URL} into {directory}. The load needs "
                f"{TITLE_PRINCIPALS}, {TITLE_CREW} and {NAME_BASICS}, and reads {TITLE_BASICS} when present",
            )
    if found[TITLE_BASICS] is None:
        logger.info("%s has no %s.tsv.gz, so movies get no runtime_minutes and links are not checked", directory, TITLE_BASICS)
    return ImdbFiles(directory, found[TITLE_PRINCIPALS], found[TITLE_CREW], found[NAME_BASICS], found[TITLE_BASICS])


def linked_titles(movies: pd.DataFrame) -> dict[bytes, list[int]]:
    """Map each tconst in the imdb_id column of MovieLens ``movies`` to the movie_ids that link to it.

    links.csv writes imdbId as digits, zero-padded to 7 like IMDb's own ids, so 114709 and
    0114709 both become tt0114709.
    """
    titles: dict[bytes, list[int]] = {}
    linked = movies[movies["imdb_id"].notna()]
    for movie_id, imdb_id in zip(linked["movie_id"].tolist(), linked["imdb_id"].tolist()):
        tconst = f"tt{int(imdb_id):07d}".encode("ascii")
        titles.setdefault(tconst, []).append(int(movie_id))
    return titles


def read_imdb(directory: str | Path, movies: pd.DataFrame) -> ImdbData:
    """Read and validate the IMDb files for the linked ``movies``, raising InputFileError on the first problem.

    ``movies`` is the MovieLens movies table of ``read_movielens``, with movie_id, year and imdb_id.
    Each file is read once: title.basics, title.principals and title.crew, then name.basics for
    the people whom title.principals and title.crew credit.
    """
    files = find_imdb_files(directory)
    titles = linked_titles(movies)
    logger.info("reading IMDb files in %s for %d linked titles", files.directory, len(titles))

    reports: list[FileReport] = []
    runtimes = pd.DataFrame({"movie_id": pd.Series(dtype="int64"), "runtime_minutes": pd.Series(dtype="Int64")})
    if files.basics is not None:
        basics, basics_report = read_title_basics(files.basics, titles)
        reports.append(basics_report)
        check_start_years(basics, movies, titles)
        runtimes = per_movie(basics, titles)[["movie_id", "runtime_minutes"]]

    principals, principals_report = read_principals(files.principals, titles)
    crew, crew_report = read_crew(files.crew, titles)
    credited = set(principals["nconst"]) | set(crew["nconst"])
    names, names_report = read_names(files.names, {nconst.encode("ascii") for nconst in credited})
    reports += [principals_report, crew_report, names_report]

    named = set(names["nconst"])
    actors = actor_credits(principals, named, principals_report)
    directors = director_credits(principals, crew, named, principals_report, crew_report)
    _log_uncredited(titles, principals, crew)

    return ImdbData(
        files,
        runtimes.reset_index(drop=True),
        _with_person_ids(names)[["person_id", "name", "birth_year", "death_year"]],
        _with_person_ids(per_movie(actors, titles))[["movie_id", "person_id", "order"]],
        _with_person_ids(per_movie(directors, titles))[["movie_id", "person_id", "order"]],
        reports,
    )


# Reading each file --------------------------------------------------------------------------


def read_title_basics(path: Path, titles: dict[bytes, list[int]]) -> tuple[pd.DataFrame, FileReport]:
    """Read tconst, start_year and runtime_minutes of the linked titles, rejecting a tconst listed twice."""
    report = FileReport(path, 0)
    rows: dict[str, list] = {"tconst": [], "start_year": [], "runtime_minutes": []}
    first_lines: dict[bytes, int] = {}
    for row in read_matching_rows(path, BASICS_COLUMNS, TCONST, titles, report, NOT_LINKED):
        _check_first(row, "tconst", first_lines, row.raw("tconst"))
        rows["tconst"].append(row.raw("tconst").decode("ascii"))
        rows["start_year"].append(parse_optional_number(row, "startYear", 4))
        rows["runtime_minutes"].append(parse_optional_number(row, "runtimeMinutes", 6))
    frame = pd.DataFrame(
        {
            "tconst": pd.Series(rows["tconst"], dtype=object),
            "start_year": pd.array(rows["start_year"], dtype="Int64"),
            "runtime_minutes": pd.array(rows["runtime_minutes"], dtype="Int64"),
        }
    )
    return frame, report


def read_principals(path: Path, titles: dict[bytes, list[int]]) -> tuple[pd.DataFrame, FileReport]:
    """Read the actor, actress and director rows of the linked titles: tconst, ordering, nconst and category.

    Rows of other categories are validated, then skipped and counted. A (tconst, ordering) pair
    listed twice raises InputFileError, because IMDb numbers a title's rows uniquely.
    """
    report = FileReport(path, 0)
    rows: dict[str, list] = {"tconst": [], "ordering": [], "nconst": [], "category": []}
    # One int per kept row, the tconst's number and the ordering (below 2**30), takes less
    # memory than a tuple when a load keeps a million rows.
    first_lines: dict[int, int] = {}
    other_categories = 0
    for row in read_matching_rows(path, PRINCIPALS_COLUMNS, TCONST, titles, report, NOT_LINKED):
        ordering = parse_ordering(row)
        _check_first(row, "ordering", first_lines, int(row.raw("tconst")[2:]) << 30 | ordering)
        nconst = parse_id(row, NCONST)
        category = row.text("category")
        if category not in ACTING_CATEGORIES and category != DIRECTING_CATEGORY:
            other_categories += 1
            continue
        rows["tconst"].append(row.raw("tconst").decode("ascii"))
        rows["ordering"].append(ordering)
        rows["nconst"].append(nconst)
        rows["category"].append(category)
    report.skip(OTHER_CATEGORY, other_categories)
    frame = pd.DataFrame(
        {
            "tconst": pd.Series(rows["tconst"], dtype=object),
            "ordering": pd.Series(rows["ordering"], dtype="int64"),
            "nconst": pd.Series(rows["nconst"], dtype=object),
            "category": pd.Series(rows["category"], dtype=object),
        }
    )
    return frame, report


def read_crew(path: Path, titles: dict[bytes, list[int]]) -> tuple[pd.DataFrame, FileReport]:
    """Read the directors of the linked titles as one row per (tconst, nconst, position).

    position is the 0-based place in the directors column after repeated nconsts are dropped.
    """
    report = FileReport(path, 0)
    rows: dict[str, list] = {"tconst": [], "nconst": [], "position": []}
    first_lines: dict[bytes, int] = {}
    for row in read_matching_rows(path, CREW_COLUMNS, TCONST, titles, report, NOT_LINKED):
        _check_first(row, "tconst", first_lines, row.raw("tconst"))
        listed = parse_id_list(row, "directors", NCONST)
        unique = list(dict.fromkeys(listed))
        report.drop_values(REPEATED_DIRECTOR, len(listed) - len(unique))
        tconst = row.raw("tconst").decode("ascii")
        for position, nconst in enumerate(unique):
            rows["tconst"].append(tconst)
            rows["nconst"].append(nconst)
            rows["position"].append(position)
    frame = pd.DataFrame(
        {
            "tconst": pd.Series(rows["tconst"], dtype=object),
            "nconst": pd.Series(rows["nconst"], dtype=object),
            "position": pd.Series(rows["position"], dtype="int64"),
        }
    )
    return frame, report


def read_names(path: Path, nconsts: set[bytes]) -> tuple[pd.DataFrame, FileReport]:
    """Read nconst, name, birth_year and death_year of the people of ``nconsts`` that have a name."""
    report = FileReport(path, 0)
    rows: dict[str, list] = {"nconst": [], "name": [], "birth_year": [], "death_year": []}
    first_lines: dict[bytes, int] = {}
    nameless = 0
    for row in read_matching_rows(path, NAMES_COLUMNS, NCONST, nconsts, report, NOT_CREDITED):
        _check_first(row, "nconst", first_lines, row.raw("nconst"))
        name = (row.text("primaryName") or "").strip()
        birth_year = parse_optional_number(row, "birthYear", 4)
        death_year = parse_optional_number(row, "deathYear", 4)
        if not name:
            nameless += 1
            continue
        rows["nconst"].append(row.raw("nconst").decode("ascii"))
        rows["name"].append(name)
        rows["birth_year"].append(birth_year)
        rows["death_year"].append(death_year)
    report.skip(NO_NAME, nameless)
    frame = pd.DataFrame(
        {
            "nconst": pd.Series(rows["nconst"], dtype=object),
            "name": pd.Series(rows["name"], dtype=object),
            "birth_year": pd.array(rows["birth_year"], dtype="Int64"),
            "death_year": pd.array(rows["death_year"], dtype="Int64"),
        }
    )
    return frame, report


# Field checks. Each raises InputFileError for an invalid value of a kept row.


def parse_ordering(row: TsvRow) -> int:
    """Return the ordering of a title.principals row, a whole number from 1 up."""
    value = row.raw("ordering")
    if not value.isdigit() or len(value) > 9 or int(value) < 1:
        raise row.error("ordering", f"invalid ordering {_shown(value)}, expected a whole number from 1 up")
    return int(value)


def parse_optional_number(row: TsvRow, column: str, max_digits: int) -> int | None:
    """Return a whole number of up to ``max_digits`` digits, or None for \\N, as IMDb writes years and minutes."""
    value = row.raw(column)
    if value == NULL:
        return None
    if not value.isdigit() or len(value) > max_digits:
        raise row.error(column, f"invalid {column} {_shown(value)}, expected up to {max_digits} digits or \\N")
    return int(value)


def parse_id(row: TsvRow, form: IdForm) -> str:
    """Return the IMDb id in the column of ``form`` as text."""
    value = row.raw(form.column)
    if not form.is_valid(value):
        raise row.error(form.column, f"invalid {form.column} {_shown(value)}, expected {form.description}")
    return value.decode("ascii")


def parse_id_list(row: TsvRow, column: str, form: IdForm) -> list[str]:
    """Return the comma-separated IMDb ids of ``column`` in order, or [] for \\N."""
    value = row.raw(column)
    if value == NULL:
        return []
    ids = value.split(b",")
    for item in ids:
        if not form.is_valid(item):
            raise row.error(
                column,
                f"invalid {form.column} {_shown(item)} in {column}, expected {form.description}, "
                "or a comma-separated list of them, or \\N",
            )
    return [item.decode("ascii") for item in ids]


def _shown(value: bytes) -> str:
    return repr(value.decode("utf-8", "backslashreplace"))


def _check_first(row: TsvRow, column: str, first_lines: dict, key) -> None:
    """Raise InputFileError when ``key`` was seen on an earlier kept line, else remember this line."""
    first = first_lines.setdefault(key, row.line)
    if first == row.line:
        return
    key_column = row.columns[0]
    duplicate = f"duplicate {column} {_shown(row.raw(column))}"
    if column != key_column:
        duplicate += f" for {key_column} {_shown(row.raw(key_column))}"
    raise row.error(
        column,
        f"{duplicate}, first seen on line {first}",
        f"Delete one of the lines {first} and {row.line}, or download the file again from {DOWNLOAD_URL}",
    )


# Joining the files --------------------------------------------------------------------------


def actor_credits(principals: pd.DataFrame, named: set[str], report: FileReport) -> pd.DataFrame:
    """Return tconst, nconst and order of each acting credit of a named person, in ``ordering`` order."""
    acting = principals[principals["category"].isin(ACTING_CATEGORIES)]
    acting = _drop_repeated_credits(acting, report)
    known = acting["nconst"].isin(named)
    report.skip(UNKNOWN_PERSON, int((~known).sum()))
    acting = acting[known]
    return acting.assign(order=acting.groupby("tconst").cumcount())[["tconst", "nconst", "order"]]


def director_credits(
    principals: pd.DataFrame, crew: pd.DataFrame, named: set[str], principals_report: FileReport, crew_report: FileReport
) -> pd.DataFrame:
    """Return tconst, nconst and order of each directing credit of a named person.

    title.crew's order comes first. A director whom only title.principals lists follows, in
    ``ordering`` order.
    """
    directing = _drop_repeated_credits(principals[principals["category"] == DIRECTING_CATEGORY], principals_report)
    known_in_principals = directing["nconst"].isin(named)
    principals_report.skip(UNKNOWN_PERSON, int((~known_in_principals).sum()))
    known_in_crew = crew["nconst"].isin(named)
    crew_report.drop_values(UNKNOWN_DIRECTOR, int((~known_in_crew).sum()))

    from_crew = crew[known_in_crew].assign(source=0, rank=crew["position"])
    from_principals = directing[known_in_principals].assign(source=1, rank=directing["ordering"])
    columns = ["tconst", "nconst", "source", "rank"]
    both = pd.concat([from_crew[columns], from_principals[columns]], ignore_index=True)
    both = both.sort_values(["tconst", "source", "rank"], kind="stable")
    # Most directors are in both files, and then their title.crew row is the one kept.
    both = both.drop_duplicates(["tconst", "nconst"])
    return both.assign(order=both.groupby("tconst").cumcount())[["tconst", "nconst", "order"]]


def _drop_repeated_credits(credits: pd.DataFrame, report: FileReport) -> pd.DataFrame:
    """Keep the first row, by ordering, of each (tconst, nconst) among rows of one role."""
    credits = credits.sort_values(["tconst", "ordering"], kind="stable")
    repeated = credits.duplicated(["tconst", "nconst"])
    report.skip(REPEATED_CREDIT, int(repeated.sum()))
    return credits[~repeated]


def per_movie(frame: pd.DataFrame, titles: dict[bytes, list[int]]) -> pd.DataFrame:
    """Replace the tconst of each row with a movie_id, one row per MovieLens movie linked to that title."""
    movie_ids = frame["tconst"].map(lambda tconst: titles[tconst.encode("ascii")])
    expanded = frame.assign(movie_id=movie_ids).explode("movie_id")
    expanded["movie_id"] = expanded["movie_id"].astype("int64")
    return expanded.drop(columns="tconst").sort_values("movie_id", kind="stable").reset_index(drop=True)


def _with_person_ids(frame: pd.DataFrame) -> pd.DataFrame:
    person_ids = (IMDB_ID_PREFIX + frame["nconst"].astype(str)).astype(object)
    return frame.assign(person_id=person_ids).reset_index(drop=True)


def check_start_years(basics: pd.DataFrame, movies: pd.DataFrame, titles: dict[bytes, list[int]]) -> None:
    """Log the links whose MovieLens year is more than YEAR_TOLERANCE from IMDb's startYear, and links missing from title.basics."""
    missing = len(titles) - len(basics)
    if missing:
        logger.info(
            "%d imdbIds of %s are not in title.basics, perhaps because IMDb merged or removed those titles", missing, LINKS_FILE
        )
    linked = per_movie(basics, titles).merge(movies[["movie_id", "year"]], on="movie_id")
    known = linked["start_year"].notna() & linked["year"].notna()
    far = linked[known & ((linked["start_year"] - linked["year"]).abs() > YEAR_TOLERANCE)]
    if far.empty:
        return
    examples = ", ".join(
        f"movieId {row.movie_id} ({row.year}) has startYear {row.start_year}"
        for row in far.head(LOGGED_EXAMPLES).itertuples()
    )
    logger.warning(
        "%s may link %d movies to the wrong IMDb title, because their year is more than %d year from the "
        "title's startYear: %s",
        LINKS_FILE,
        len(far),
        YEAR_TOLERANCE,
        examples,
    )


def _log_uncredited(titles: dict[bytes, list[int]], principals: pd.DataFrame, crew: pd.DataFrame) -> None:
    credited = set(principals["tconst"]) | set(crew["tconst"])
    uncredited = sum(1 for tconst in titles if tconst.decode("ascii") not in credited)
    if uncredited:
        logger.info("%d of %d linked titles have no actor, actress or director in the IMDb files", uncredited, len(titles))


# Writing ------------------------------------------------------------------------------------


def write_imdb(
    graph: Graph, data: ImdbData, batch_size: int = DEFAULT_BATCH_SIZE, *, show_progress: bool = True
) -> LoadSummary:
    """Write validated IMDb data into a graph that contains its MovieLens movies.

    Writes the runtimes, then people, actors and directors, then merges the people of the
    cast-and-crew file into their IMDb namesakes (see ``loaders.people``). Raises
    DatasetConflictError before any write if the graph contains a data set other than ml-latest.
    """
    check_batch_size(batch_size)
    summary = LoadSummary(str(data.files.directory), None)
    for report in data.reports:
        summary.add_report(report)

    started = time.perf_counter()
    write_dataset(graph, summary, ML_LATEST, lambda writer: _write_tables(writer, data), batch_size, show_progress)
    summary.seconds["total"] = time.perf_counter() - started
    logger.info("wrote %s in %.1f s: created %s", data.files.directory, summary.seconds["total"], summary.created)
    return summary


def _write_tables(writer, data: ImdbData) -> None:
    files = data.files
    if files.basics is not None:
        writer.write("imdb_movies", data.movies, files.basics)
    writer.write("imdb_people", data.people, files.names)
    writer.write("imdb_actors", data.actors, files.principals)
    writer.write("imdb_directors", data.directors, files.crew)
    merge_name_people(writer, [person_id_for_name(name) for name in data.people["name"]], files.names)


def load_movielens_with_imdb(
    graph: Graph,
    directory: str | Path,
    imdb_directory: str | Path,
    credits_path: str | Path | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    *,
    show_progress: bool = True,
) -> LoadSummary:
    """Validate a MovieLens directory, an optional cast file and the IMDb files, then write all of them.

    Every file is validated before the first write, so an InputFileError leaves the graph as it
    was. The summary covers both loads: its files, steps and counts include the IMDb ones.
    """
    check_batch_size(batch_size)
    started = time.perf_counter()
    movielens, credits = read_inputs(directory, credits_path, stream_ratings=True)
    imdb = read_imdb(imdb_directory, movielens.movies)
    validate_seconds = time.perf_counter() - started

    summary = write_movielens(graph, movielens, credits, batch_size=batch_size, show_progress=show_progress)
    imdb_summary = write_imdb(graph, imdb, batch_size, show_progress=show_progress)
    _add_summary(summary, imdb_summary)
    summary.directory = str(directory)
    add_validation_seconds(summary, validate_seconds)
    logger.info(
        "loaded %s with IMDb files from %s in %.1f s: created %s",
        directory,
        imdb_directory,
        summary.seconds["total"],
        summary.created,
    )
    return summary


def _add_summary(summary: LoadSummary, later: LoadSummary) -> None:
    """Add the files, steps and final counts of ``later``, a load that ran after ``summary``'s, to ``summary``."""
    summary.rows_read.update(later.rows_read)
    summary.skipped.update(later.skipped)
    summary.dropped_values.update(later.dropped_values)
    summary.rows_written.update(later.rows_written)
    total = summary.seconds.pop("total", 0.0) + later.seconds.get("total", 0.0)
    for step, seconds in later.seconds.items():
        if step != "total":
            summary.seconds[step] = summary.seconds.get(step, 0.0) + seconds
    summary.seconds["total"] = total
    summary.counts_after = later.counts_after
