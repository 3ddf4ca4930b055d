"""IMDb TSV files joined to a tiny MovieLens directory: what the load writes, what it skips, and what it rejects.

The tests write IMDb's format into tmp_path: tab-separated UTF-8 with a header line, \\N for a
missing value, plain or gzip-compressed. The ids have IMDb's form, and the rows are made up for
these tests. Loads go into the ``tiny_graph`` server.
"""

from __future__ import annotations

import gzip
import logging
from pathlib import Path

import pytest

from loaders.errors import InputFileError
from loaders.imdb import (
    NOT_CREDITED,
    NO_NAME,
    NOT_LINKED,
    OTHER_CATEGORY,
    REPEATED_CREDIT,
    REPEATED_DIRECTOR,
    UNKNOWN_DIRECTOR,
    UNKNOWN_PERSON,
    linked_titles,
    load_movielens_with_imdb,
)
from loaders.writer import load_movielens, read_counts
from tests.files import write_data_directory
from tests.serving import run_cli

# IMDb's marker for a missing value, one letter long so that the tables below stay readable.
N = "\\N"

MOVIELENS_FILES = {
    "movies.csv": (
        "movieId,title,genres\n"
        "1,Toy Story (1995),Adventure|Animation|Children\n"
        "2,Heat (1995),Action|Crime|Thriller\n"
        "3,Babylon 5,Sci-Fi\n"
        "4,Unlinked Movie (2000),Drama\n"
    ),
    "links.csv": "movieId,imdbId,tmdbId\n1,0114709,862\n2,0113277,949\n3,0105946,\n4,,\n",
    "ratings.csv": "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,2,5.0,964981247\n2,3,3.0,964982224\n",
}


def tsv(*rows: list[str]) -> str:
    """Join rows of fields into IMDb's TSV text: tabs between fields, \\n after every line."""
    return "".join("\t".join(row) + "\n" for row in rows)


# The Godfather (tt0068646) is not in links.csv, so its rows and the people only it credits
# (nm0000008 and nm0000338) must be skipped.
TITLE_BASICS = tsv(
    ["tconst", "titleType", "primaryTitle", "originalTitle", "isAdult", "startYear", "endYear", "runtimeMinutes", "genres"],
    ["tt0068646", "movie", "The Godfather", "The Godfather", "0", "1972", N, "175", "Crime,Drama"],
    ["tt0105946", "tvSeries", "Babylon 5", "Babylon 5", "0", "1993", "1998", "44", "Drama,Sci-Fi"],
    ["tt0113277", "movie", "Heat", "Heat", "0", "1995", N, "170", "Action,Crime,Drama"],
    ["tt0114709", "movie", "Toy Story", "Toy Story", "0", "1995", N, "81", "Adventure,Animation,Comedy"],
)
TITLE_PRINCIPALS = tsv(
    ["tconst", "ordering", "nconst", "category", "job", "characters"],
    ["tt0068646", "1", "nm0000008", "actor", N, '["Don Vito Corleone"]'],
    ["tt0068646", "2", "nm0000199", "actor", N, '["Michael Corleone"]'],
    ["tt0105946", "1", "nm0000003", "actress", N, N],
    ["tt0113277", "1", "nm0000199", "actor", N, '["Lt. Vincent Hanna"]'],
    ["tt0113277", "2", "nm0000134", "actor", N, '["Neil McCauley"]'],
    ["tt0113277", "3", "nm0000520", "director", N, N],
    ["tt0113277", "4", "nm0000520", "producer", "producer", N],
    ["tt0114709", "3", "nm0000587", "actress", N, '["Bo Peep"]'],
    ["tt0114709", "1", "nm0000158", "actor", N, '["Woody"]'],
    ["tt0114709", "2", "nm0000741", "actor", N, '["Buzz Lightyear"]'],
    ["tt0114709", "4", "nm0000158", "actor", N, '["Woody (singing)"]'],
    ["tt0114709", "5", "nm0005124", "director", N, N],
    ["tt0114709", "6", "nm0004056", "writer", "screenplay by", N],
    ["tt0114709", "7", "nm0000999", "director", N, N],
)
# Babylon 5 lists nm0000002 twice, and nm0000001 is missing from name.basics.
TITLE_CREW = tsv(
    ["tconst", "directors", "writers"],
    ["tt0068646", "nm0000338", "nm0701374,nm0000338"],
    ["tt0105946", "nm0000002,nm0000001,nm0000002", "nm0000004"],
    ["tt0113277", "nm0000520", "nm0000520"],
    ["tt0114709", "nm0005124", "nm0004056,nm0005124"],
)
NAME_BASICS = tsv(
    ["nconst", "primaryName", "birthYear", "deathYear", "primaryProfession", "knownForTitles"],
    ["nm0000002", "Janet Greek", N, N, "director", "tt0105946"],
    ["nm0000003", "Claudia Christian", "1965", N, "actress", "tt0105946"],
    ["nm0000008", "Marlon Brando", "1924", "2004", "actor", "tt0068646"],
    ["nm0000134", "Robert De Niro", "1943", N, "actor,producer", "tt0113277"],
    ["nm0000158", "Tom Hanks", "1956", N, "actor,producer", "tt0114709"],
    ["nm0000199", "Al Pacino", "1940", N, "actor", "tt0113277,tt0068646"],
    ["nm0000338", "Francis Ford Coppola", "1939", N, "director", "tt0068646"],
    ["nm0000520", "Michael Mann", "1943", N, "director,producer", "tt0113277"],
    ["nm0000587", "Annie Potts", "1952", N, "actress", "tt0114709"],
    ["nm0000741", "Tim Allen", "1953", N, "actor", "tt0114709"],
    ["nm0000999", "Second Director", N, N, "director", N],
    ["nm0004056", "Andrew Stanton", "1965", N, "writer", "tt0114709"],
    ["nm0005124", "John Lasseter", "1957", N, "director", "tt0114709"],
)
IMDB_FILES = {
    "title.basics.tsv": TITLE_BASICS,
    "title.principals.tsv": TITLE_PRINCIPALS,
    "title.crew.tsv": TITLE_CREW,
    "name.basics.tsv": NAME_BASICS,
}

# People that the good files credit on linked titles and that have a name.
EXPECTED_PEOPLE = {
    "imdb:nm0000002": "Janet Greek",
    "imdb:nm0000003": "Claudia Christian",
    "imdb:nm0000134": "Robert De Niro",
    "imdb:nm0000158": "Tom Hanks",
    "imdb:nm0000199": "Al Pacino",
    "imdb:nm0000520": "Michael Mann",
    "imdb:nm0000587": "Annie Potts",
    "imdb:nm0000741": "Tim Allen",
    "imdb:nm0000999": "Second Director",
    "imdb:nm0005124": "John Lasseter",
}

CREDITS_QUERY = (
    "MATCH (p:Person)-[r:{kind}]->(m:Movie) "
    "RETURN m.movie_id AS movie_id, p.person_id AS person_id, r.order AS order ORDER BY movie_id, order"
)


def write_movielens(parent: Path, name: str = "movielens", **files: str | None) -> Path:
    return write_data_directory(parent, name, MOVIELENS_FILES, "utf-8", files)


def write_imdb(parent: Path, name: str = "imdb", compress: bool = False, **files: str | bytes | None) -> Path:
    """Write the IMDb files into parent/name, where ``files`` replace (text or bytes) or omit (None) some of them.

    Names in ``files`` use '_' for '.', as in ``title_crew_tsv``. With ``compress``, every file
    is written gzip-compressed as <name>.tsv.gz.
    """
    directory = parent / name
    directory.mkdir()
    contents = {**IMDB_FILES, **{file_name.replace("_", "."): content for file_name, content in files.items()}}
    for file_name, content in contents.items():
        if content is None:
            continue
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        if compress:
            (directory / f"{file_name}.gz").write_bytes(gzip.compress(data))
        else:
            (directory / file_name).write_bytes(data)
    return directory


def load(graph, parent: Path, credits: Path | None = None, **imdb_files: str | bytes | None):
    return load_movielens_with_imdb(
        graph, write_movielens(parent), write_imdb(parent, **imdb_files), credits, show_progress=False
    )


def credits_of(graph, kind: str) -> list[dict]:
    return graph.run_text(CREDITS_QUERY.format(kind=kind))


def replace_line(text: str, line: int, fields: list[str]) -> str:
    """Replace the 1-based line ``line`` of TSV text with ``fields``."""
    lines = text.split("\n")
    lines[line - 1] = "\t".join(fields)
    return "\n".join(lines)


# What the load writes -----------------------------------------------------------------------


@pytest.mark.parametrize("compress", [False, True], ids=["tsv", "tsv.gz"])
def test_load_creates_people_and_credits(tiny_graph, tmp_path, compress):
    summary = load_movielens_with_imdb(
        tiny_graph, write_movielens(tmp_path), write_imdb(tmp_path, compress=compress), show_progress=False
    )

    counts = read_counts(tiny_graph)
    assert counts["movies"] == 4
    assert counts["people"] == len(EXPECTED_PEOPLE)
    assert counts["acted_in"] == 6
    assert counts["directed"] == 4
    assert summary.created["people"] == len(EXPECTED_PEOPLE)
    people = tiny_graph.run_text("MATCH (p:Person) RETURN p.person_id AS id, p.name AS name ORDER BY id")
    assert {row["id"]: row["name"] for row in people} == EXPECTED_PEOPLE


def test_actor_order_follows_ordering(tiny_graph, tmp_path):
    load(tiny_graph, tmp_path)

    assert credits_of(tiny_graph, "ACTED_IN") == [
        {"movie_id": 1, "person_id": "imdb:nm0000158", "order": 0},
        {"movie_id": 1, "person_id": "imdb:nm0000741", "order": 1},
        {"movie_id": 1, "person_id": "imdb:nm0000587", "order": 2},
        {"movie_id": 2, "person_id": "imdb:nm0000199", "order": 0},
        {"movie_id": 2, "person_id": "imdb:nm0000134", "order": 1},
        {"movie_id": 3, "person_id": "imdb:nm0000003", "order": 0},
    ]


def test_director_order_puts_crew_first(tiny_graph, tmp_path):
    load(tiny_graph, tmp_path)

    assert credits_of(tiny_graph, "DIRECTED") == [
        {"movie_id": 1, "person_id": "imdb:nm0005124", "order": 0},
        {"movie_id": 1, "person_id": "imdb:nm0000999", "order": 1},
        {"movie_id": 2, "person_id": "imdb:nm0000520", "order": 0},
        {"movie_id": 3, "person_id": "imdb:nm0000002", "order": 0},
    ]


def test_person_properties_and_labels(tiny_graph, tmp_path):
    load(tiny_graph, tmp_path)

    rows = tiny_graph.run_text(
        "MATCH (p:Person) WHERE p.person_id IN ['imdb:nm0000158', 'imdb:nm0000002', 'imdb:nm0000587'] "
        "RETURN p.person_id AS id, p.birth_year AS born, p.death_year AS died, labels(p) AS labels ORDER BY id"
    )
    janet, hanks, potts = rows
    assert (janet["born"], janet["died"]) == (None, None)
    assert sorted(janet["labels"]) == ["Director", "Person"]
    assert (hanks["born"], hanks["died"]) == (1956, None)
    assert sorted(hanks["labels"]) == ["Actor", "Person"]
    assert sorted(potts["labels"]) == ["Actor", "Person"]
    keys = tiny_graph.run_text("MATCH (p:Person {person_id: 'imdb:nm0000002'}) RETURN keys(p) AS keys")
    assert sorted(keys[0]["keys"]) == ["name", "person_id"]


def test_runtime_from_title_basics(tiny_graph, tmp_path):
    load(tiny_graph, tmp_path)

    rows = tiny_graph.run_text("MATCH (m:Movie) RETURN m.movie_id AS id, m.runtime_minutes AS minutes ORDER BY id")
    assert rows == [
        {"id": 1, "minutes": 81},
        {"id": 2, "minutes": 170},
        {"id": 3, "minutes": 44},
        {"id": 4, "minutes": None},
    ]


def test_unlinked_title_and_other_categories_ignored(tiny_graph, tmp_path):
    load(tiny_graph, tmp_path)

    absent = tiny_graph.run_text(
        "MATCH (p:Person) WHERE p.person_id IN ['imdb:nm0000008', 'imdb:nm0000338', 'imdb:nm0004056', 'imdb:nm0000001'] "
        "RETURN count(p) AS n"
    )
    assert absent == [{"n": 0}]
    pacino = tiny_graph.run_text(
        "MATCH (:Person {person_id: 'imdb:nm0000199'})-[r]->(m:Movie) RETURN type(r) AS type, m.movie_id AS id"
    )
    assert pacino == [{"type": "ACTED_IN", "id": 2}]
    mann = tiny_graph.run_text("MATCH (:Person {person_id: 'imdb:nm0000520'})-[r]->() RETURN type(r) AS type")
    assert mann == [{"type": "DIRECTED"}]
    unlinked = tiny_graph.run_text("MATCH (m:Movie {movie_id: 4}) RETURN COUNT { (m)<--(:Person) } AS credits")
    assert unlinked == [{"credits": 0}]


def test_summary_counts_read_and_skipped(tiny_graph, tmp_path):
    summary = load(tiny_graph, tmp_path)
    directory = tmp_path / "imdb"
    principals = str(directory / "title.principals.tsv")
    crew = str(directory / "title.crew.tsv")
    names = str(directory / "name.basics.tsv")
    basics = str(directory / "title.basics.tsv")

    assert summary.rows_read[principals] == 14
    assert summary.rows_read[crew] == 4
    assert summary.rows_read[names] == 13
    assert summary.rows_read[basics] == 4
    assert summary.skipped[principals] == {NOT_LINKED: 2, OTHER_CATEGORY: 2, REPEATED_CREDIT: 1}
    assert summary.skipped[crew] == {NOT_LINKED: 1}
    assert summary.dropped_values[crew] == {REPEATED_DIRECTOR: 1, UNKNOWN_DIRECTOR: 1}
    assert summary.skipped[names] == {NOT_CREDITED: 3}
    assert summary.skipped[basics] == {NOT_LINKED: 1}
    assert summary.rows_written["imdb_people"] == len(EXPECTED_PEOPLE)
    assert summary.rows_written["ratings"] == 3
    assert "title.principals.tsv" in summary.format()


def test_person_without_name_skipped(tiny_graph, tmp_path):
    names = replace_line(NAME_BASICS, 11, ["nm0000741", N, "1953", N, "actor", N])
    summary = load(tiny_graph, tmp_path, name_basics_tsv=names)

    directory = tmp_path / "imdb"
    assert summary.skipped[str(directory / "name.basics.tsv")][NO_NAME] == 1
    assert summary.skipped[str(directory / "title.principals.tsv")][UNKNOWN_PERSON] == 1
    toy_story = [row for row in credits_of(tiny_graph, "ACTED_IN") if row["movie_id"] == 1]
    assert toy_story == [
        {"movie_id": 1, "person_id": "imdb:nm0000158", "order": 0},
        {"movie_id": 1, "person_id": "imdb:nm0000587", "order": 1},
    ]


def test_reload_keeps_every_count(tiny_graph, tmp_path):
    movielens, imdb = write_movielens(tmp_path), write_imdb(tmp_path)
    load_movielens_with_imdb(tiny_graph, movielens, imdb, show_progress=False)
    first = read_counts(tiny_graph)
    orders = credits_of(tiny_graph, "ACTED_IN")

    summary = load_movielens_with_imdb(tiny_graph, movielens, imdb, show_progress=False)

    assert read_counts(tiny_graph) == first
    assert all(count == 0 for count in summary.created.values())
    assert credits_of(tiny_graph, "ACTED_IN") == orders


def test_gzip_and_plain_files_mixed(tiny_graph, tmp_path):
    directory = write_imdb(tmp_path, name_basics_tsv=None)
    (directory / "name.basics.tsv.gz").write_bytes(gzip.compress(NAME_BASICS.encode("utf-8")))
    load_movielens_with_imdb(tiny_graph, write_movielens(tmp_path), directory, show_progress=False)

    assert read_counts(tiny_graph)["people"] == len(EXPECTED_PEOPLE)


def test_title_basics_optional(tiny_graph, tmp_path):
    summary = load(tiny_graph, tmp_path, title_basics_tsv=None)

    assert read_counts(tiny_graph)["people"] == len(EXPECTED_PEOPLE)
    runtimes = tiny_graph.run_text("MATCH (m:Movie) WHERE m.runtime_minutes IS NOT NULL RETURN count(m) AS n")
    assert runtimes == [{"n": 0}]
    assert "imdb_movies" not in summary.rows_written


def test_year_far_from_start_year_logged(tiny_graph, tmp_path, caplog):
    basics = replace_line(TITLE_BASICS, 4, ["tt0113277", "movie", "Heat", "Heat", "0", "1990", N, "170", "Action"])
    caplog.set_level(logging.WARNING, logger="loaders.imdb")
    load(tiny_graph, tmp_path, title_basics_tsv=basics)

    warnings = [record.getMessage() for record in caplog.records if record.name == "loaders.imdb"]
    assert len(warnings) == 1
    assert "links.csv may link 1 movies to the wrong IMDb title" in warnings[0]
    assert "movieId 2 (1995) has startYear 1990" in warnings[0]


def test_linked_titles_pad_imdb_ids():
    import pandas as pd

    movies = pd.DataFrame({"movie_id": [1, 2, 3, 4, 5], "imdb_id": ["0114709", "114709", "10872600", None, "0000001"]})

    assert linked_titles(movies) == {b"tt0114709": [1, 2], b"tt10872600": [3], b"tt0000001": [5]}


def test_title_linked_from_two_movies(tiny_graph, tmp_path):
    movies = MOVIELENS_FILES["movies.csv"] + "5,Toy Story Again (1995),Animation\n"
    links = MOVIELENS_FILES["links.csv"] + "5,114709,\n"
    directory = write_movielens(tmp_path, movies_csv=movies, links_csv=links)
    load_movielens_with_imdb(tiny_graph, directory, write_imdb(tmp_path), show_progress=False)

    cast = tiny_graph.run_text(
        "MATCH (p:Person)-[:ACTED_IN]->(m:Movie {movie_id: 5}) RETURN p.name AS name, m.runtime_minutes AS minutes"
    )
    assert sorted(row["name"] for row in cast) == ["Annie Potts", "Tim Allen", "Tom Hanks"]
    assert cast[0]["minutes"] == 81


# People of the cast-and-crew file and of IMDb --------------------------------------------


CAST = (
    "movieId,released,title,actors,director,genres,imdbRating\n"
    "1,1995-11-22,Toy Story,Tim Allen|Tom Hanks|Don Rickles,John Lasseter,Animation,8.3\n"
    "4,2000-01-01,Unlinked Movie,Tom Hanks,Michael Mann,Drama,6.0\n"
)


def write_cast(parent: Path, content: str = CAST) -> Path:
    path = parent / "cast.csv"
    path.write_text(content, encoding="utf-8")
    return path


def people_by_name(graph) -> dict[str, list[str]]:
    rows = graph.run_text("MATCH (p:Person) RETURN p.name AS name, p.person_id AS id ORDER BY id")
    people: dict[str, list[str]] = {}
    for row in rows:
        people.setdefault(row["name"], []).append(row["id"])
    return people


def test_cast_people_merged_into_imdb_people(tiny_graph, tmp_path):
    summary = load(tiny_graph, tmp_path, credits=write_cast(tmp_path))

    people = people_by_name(tiny_graph)
    assert people["Tom Hanks"] == ["imdb:nm0000158"]
    assert people["Tim Allen"] == ["imdb:nm0000741"]
    assert people["John Lasseter"] == ["imdb:nm0005124"]
    # IMDb does not list Don Rickles here, so he keeps his cast-file id.
    assert people["Don Rickles"] == ["name:Don Rickles"]
    # Michael Mann shares no movie with the cast file's Michael Mann, so the name alone does not merge them.
    assert people["Michael Mann"] == ["imdb:nm0000520", "name:Michael Mann"]
    assert read_counts(tiny_graph)["people"] == len(EXPECTED_PEOPLE) + 2
    assert summary.rows_written["merge_name_people"] == len(EXPECTED_PEOPLE)


def test_merged_person_keeps_every_credit(tiny_graph, tmp_path):
    load(tiny_graph, tmp_path, credits=write_cast(tmp_path))

    hanks = tiny_graph.run_text(
        "MATCH (:Person {person_id: 'imdb:nm0000158'})-[r:ACTED_IN]->(m) RETURN m.movie_id AS id, r.order AS order ORDER BY id"
    )
    # Movie 1 keeps IMDb's order; movie 4, which IMDb does not credit, keeps the cast file's.
    assert hanks == [{"id": 1, "order": 0}, {"id": 4, "order": 0}]
    rickles = tiny_graph.run_text("MATCH (:Person {name: 'Don Rickles'})-[r:ACTED_IN]->() RETURN r.order AS order")
    assert rickles == [{"order": 2}]


def test_cast_loaded_after_imdb_same_graph(tiny_graph, tmp_path):
    cast = write_cast(tmp_path)
    load(tiny_graph, tmp_path, credits=cast)
    together = read_counts(tiny_graph)
    together_people = people_by_name(tiny_graph)

    # Empty the graph, then load IMDb first and the cast file in a later load.
    tiny_graph.run_text("MATCH (n) WHERE NOT n:GraphRecTestMarker DETACH DELETE n")
    movielens = tmp_path / "movielens"
    load_movielens_with_imdb(tiny_graph, movielens, tmp_path / "imdb", show_progress=False)
    load_movielens(tiny_graph, movielens, cast, show_progress=False)

    assert read_counts(tiny_graph) == together
    assert people_by_name(tiny_graph) == together_people
    load_movielens(tiny_graph, movielens, cast, show_progress=False)
    assert read_counts(tiny_graph) == together


def test_namesakes_on_different_movies_split_credits(tiny_graph, tmp_path):
    # Two IMDb people named Sam Jones act in movies 1 and 2; the cast file lists "Sam Jones" in 1, 2 and 4.
    principals = TITLE_PRINCIPALS + tsv(
        ["tt0114709", "8", "nm0100001", "actor", N, N],
        ["tt0113277", "5", "nm0100002", "actor", N, N],
    )
    names = NAME_BASICS + tsv(
        ["nm0100001", "Sam Jones", "1950", N, "actor", N],
        ["nm0100002", "Sam Jones", "1970", N, "actor", N],
    )
    cast = CAST.replace("Tim Allen|Tom Hanks|Don Rickles", "Sam Jones").replace(
        "4,2000-01-01,Unlinked Movie,Tom Hanks", "4,2000-01-01,Unlinked Movie,Sam Jones"
    ) + "2,1995-12-15,Heat,Sam Jones,Michael Mann,Crime,8.3\n"
    load(tiny_graph, tmp_path, credits=write_cast(tmp_path, cast), title_principals_tsv=principals, name_basics_tsv=names)

    rows = tiny_graph.run_text(
        "MATCH (p:Person {name: 'Sam Jones'})-[:ACTED_IN]->(m) RETURN p.person_id AS id, m.movie_id AS movie ORDER BY movie"
    )
    assert rows == [
        {"id": "imdb:nm0100001", "movie": 1},
        {"id": "imdb:nm0100002", "movie": 2},
        {"id": "name:Sam Jones", "movie": 4},
    ]


def test_content_features_counted_once(tiny_graph, tmp_path):
    load(tiny_graph, tmp_path, credits=write_cast(tmp_path))

    toy_story = tiny_graph.run_text(
        "MATCH (m:Movie {movie_id: 1})<-[:ACTED_IN]-(p:Person) RETURN p.name AS name ORDER BY name"
    )
    assert [row["name"] for row in toy_story] == ["Annie Potts", "Don Rickles", "Tim Allen", "Tom Hanks"]


# Invalid files ------------------------------------------------------------------------------


def load_error(graph, parent: Path, **imdb_files: str | bytes | None) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        load(graph, parent, **imdb_files)
    return caught.value


def test_missing_column_named(tiny_graph, tmp_path):
    principals = TITLE_PRINCIPALS.replace("\tcategory\t", "\tkind\t", 1)
    error = load_error(tiny_graph, tmp_path, title_principals_tsv=principals)

    message = str(error)
    assert "title.principals.tsv" in message
    assert "line 1" in message
    assert "missing column 'category'" in message
    assert "'tconst', 'ordering', 'nconst', 'kind', 'job', 'characters'" in message
    assert error.column == "category"


def test_bad_tconst_in_unlinked_row(tiny_graph, tmp_path):
    crew = replace_line(TITLE_CREW, 2, ["0068646", "nm0000338", N])
    error = load_error(tiny_graph, tmp_path, title_crew_tsv=crew)

    message = str(error)
    assert "title.crew.tsv" in message
    assert "line 2" in message
    assert "invalid tconst '0068646'" in message
    assert "'tt' followed by at least 7 digits" in message
    assert (error.line, error.column, error.value) == (2, "tconst", "0068646")


def test_bad_nconst_in_linked_row(tiny_graph, tmp_path):
    principals = replace_line(TITLE_PRINCIPALS, 5, ["tt0113277", "1", "nm199", "actor", N, N])
    error = load_error(tiny_graph, tmp_path, title_principals_tsv=principals)

    assert "title.principals.tsv" in str(error)
    assert "invalid nconst 'nm199'" in str(error)
    assert (error.line, error.column, error.value) == (5, "nconst", "nm199")


def test_bad_nconst_in_names_key(tiny_graph, tmp_path):
    names = replace_line(NAME_BASICS, 3, ["mn0000003", "Claudia Christian", "1965", N, "actress", N])
    error = load_error(tiny_graph, tmp_path, name_basics_tsv=names)

    assert "name.basics.tsv" in str(error)
    assert (error.line, error.column, error.value) == (3, "nconst", "mn0000003")


def test_bad_director_in_list(tiny_graph, tmp_path):
    crew = replace_line(TITLE_CREW, 3, ["tt0105946", "nm0000002,nm00x0001", N])
    error = load_error(tiny_graph, tmp_path, title_crew_tsv=crew)

    assert "invalid nconst 'nm00x0001' in directors" in str(error)
    assert (error.line, error.column) == (3, "directors")


def test_truncated_line(tiny_graph, tmp_path):
    principals = replace_line(TITLE_PRINCIPALS, 4, ["tt0105946", "1", "nm0000003"])
    error = load_error(tiny_graph, tmp_path, title_principals_tsv=principals)

    message = str(error)
    assert "title.principals.tsv" in message
    assert "line 4" in message
    assert "3 fields but the header has 6, so it is truncated" in message
    assert "separate fields with tabs" in message
    assert error.column == "category"
    assert error.value == "tt0105946\t1\tnm0000003"


def test_extra_field(tiny_graph, tmp_path):
    names = replace_line(NAME_BASICS, 8, ["nm0000338", "Francis", "Ford Coppola", "1939", N, "director", N])
    error = load_error(tiny_graph, tmp_path, name_basics_tsv=names)

    assert "name.basics.tsv" in str(error)
    assert "line 8" in str(error)
    assert "7 fields but the header has 6" in str(error)


@pytest.mark.parametrize("ordering", ["0", "-1", "first", N, "1.5"])
def test_bad_ordering(tiny_graph, tmp_path, ordering):
    principals = replace_line(TITLE_PRINCIPALS, 5, ["tt0113277", ordering, "nm0000199", "actor", N, N])
    error = load_error(tiny_graph, tmp_path, title_principals_tsv=principals)

    assert f"invalid ordering {ordering!r}" in str(error)
    assert (error.line, error.column, error.value) == (5, "ordering", ordering)


def test_duplicate_ordering(tiny_graph, tmp_path):
    principals = replace_line(TITLE_PRINCIPALS, 6, ["tt0113277", "1", "nm0000134", "actor", N, N])
    error = load_error(tiny_graph, tmp_path, title_principals_tsv=principals)

    assert "duplicate ordering '1' for tconst 'tt0113277', first seen on line 5" in str(error)
    assert error.line == 6


@pytest.mark.parametrize("year", ["19x5", "1956.0", "", "12345"])
def test_bad_birth_year(tiny_graph, tmp_path, year):
    names = replace_line(NAME_BASICS, 6, ["nm0000158", "Tom Hanks", year, N, "actor", N])
    error = load_error(tiny_graph, tmp_path, name_basics_tsv=names)

    assert "name.basics.tsv" in str(error)
    assert f"invalid birthYear {year!r}, expected up to 4 digits or \\N" in str(error)
    assert (error.line, error.column, error.value) == (6, "birthYear", year)


def test_bad_runtime(tiny_graph, tmp_path):
    basics = replace_line(TITLE_BASICS, 5, ["tt0114709", "movie", "Toy Story", "Toy Story", "0", "1995", N, "81 min", "Comedy"])
    error = load_error(tiny_graph, tmp_path, title_basics_tsv=basics)

    assert "title.basics.tsv" in str(error)
    assert (error.line, error.column, error.value) == (5, "runtimeMinutes", "81 min")


def test_name_not_utf8(tiny_graph, tmp_path):
    names = NAME_BASICS.encode("utf-8").replace(b"Tim Allen", b"Tim All\xe9n")
    error = load_error(tiny_graph, tmp_path, name_basics_tsv=names)

    assert "not valid UTF-8 (byte 0xE9)" in str(error)
    assert (error.line, error.column) == (11, "primaryName")


def test_truncated_gzip(tiny_graph, tmp_path):
    directory = write_imdb(tmp_path, "imdb", title_principals_tsv=None)
    compressed = gzip.compress(TITLE_PRINCIPALS.encode("utf-8"))
    (directory / "title.principals.tsv.gz").write_bytes(compressed[: len(compressed) - 20])
    with pytest.raises(InputFileError) as caught:
        load_movielens_with_imdb(tiny_graph, write_movielens(tmp_path), directory, show_progress=False)

    assert "title.principals.tsv.gz" in str(caught.value)
    assert "damaged or cut short" in str(caught.value)
    assert "Download the file again from https://datasets.imdbws.com/" in str(caught.value)


def test_missing_file_names_download(tiny_graph, tmp_path):
    error = load_error(tiny_graph, tmp_path, title_crew_tsv=None)

    message = str(error)
    assert "title.crew.tsv.gz: file not found (nor title.crew.tsv)" in message
    assert "Download title.crew.tsv.gz from https://datasets.imdbws.com/" in message


def test_empty_file(tiny_graph, tmp_path):
    error = load_error(tiny_graph, tmp_path, name_basics_tsv="")

    assert "name.basics.tsv" in str(error)
    assert "the file is empty" in str(error)


def test_directory_not_found(tiny_graph, tmp_path):
    with pytest.raises(InputFileError) as caught:
        load_movielens_with_imdb(tiny_graph, write_movielens(tmp_path), tmp_path / "absent", show_progress=False)

    assert "absent: directory not found" in str(caught.value)


BAD_FILES = {
    "missing column": {"title_crew_tsv": TITLE_CREW.replace("directors", "director", 1)},
    "bad tconst": {"title_basics_tsv": replace_line(TITLE_BASICS, 2, ["tt68646", "movie", "x", "x", "0", "1972", N, "1", N])},
    "bad nconst": {"title_principals_tsv": replace_line(TITLE_PRINCIPALS, 10, ["tt0114709", "1", "nm158", "actor", N, N])},
    "wrong field count": {"name_basics_tsv": NAME_BASICS + "nm0000777\tNo Fields\n"},
    "last line invalid": {"name_basics_tsv": NAME_BASICS + "nm0005124x\tJohn\t1957\t\\N\tdirector\t\\N\n"},
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_file_writes_nothing(tiny_graph, tmp_path, case):
    with pytest.raises(InputFileError):
        load(tiny_graph, tmp_path, **BAD_FILES[case])

    assert all(count == 0 for count in read_counts(tiny_graph).values())


def test_bad_file_leaves_loaded_graph_unchanged(tiny_graph, tmp_path):
    load(tiny_graph, tmp_path)
    before = read_counts(tiny_graph)
    ratings = MOVIELENS_FILES["ratings.csv"] + "3,1,2.0,964990000\n"
    names = replace_line(NAME_BASICS, 6, ["nm0000158", "Tom Hanks", "1956", "soon", "actor", N])

    with pytest.raises(InputFileError):
        load_movielens_with_imdb(
            tiny_graph,
            write_movielens(tmp_path, "changed", ratings_csv=ratings),
            write_imdb(tmp_path, "bad", name_basics_tsv=names),
            show_progress=False,
        )

    assert read_counts(tiny_graph) == before
    hanks = tiny_graph.run_text("MATCH (p:Person {person_id: 'imdb:nm0000158'}) RETURN p.death_year AS died")
    assert hanks == [{"died": None}]


# Command line -------------------------------------------------------------------------------


def test_cli_load_with_imdb(tiny_graph, test_servers, tmp_path):
    movielens, imdb = write_movielens(tmp_path), write_imdb(tmp_path, compress=True)
    result = run_cli(test_servers["tiny"], "load", "--movielens", str(movielens), "--imdb", str(imdb), "--no-precompute")

    assert result.returncode == 0, result.stderr
    assert "title.principals.tsv.gz" in result.stdout
    assert read_counts(tiny_graph)["people"] == len(EXPECTED_PEOPLE)


def test_cli_bad_imdb_file_exit_2(tiny_graph, test_servers, tmp_path):
    crew = replace_line(TITLE_CREW, 3, ["tt0105946", "nm0000002,bad", N])
    movielens, imdb = write_movielens(tmp_path), write_imdb(tmp_path, title_crew_tsv=crew)
    result = run_cli(test_servers["tiny"], "load", "--movielens", str(movielens), "--imdb", str(imdb))

    assert result.returncode == 2
    assert "title.crew.tsv, line 3, column 'directors'" in result.stderr
    assert read_counts(tiny_graph)["movies"] == 0


def test_cli_imdb_with_ml100k_rejected(test_servers, tmp_path):
    result = run_cli(test_servers["tiny"], "load", "--ml100k", str(tmp_path), "--imdb", str(tmp_path))

    assert result.returncode == 2
    assert "--imdb needs the links.csv of --movielens" in result.stderr
