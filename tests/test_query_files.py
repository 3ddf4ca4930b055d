"""Every recommendation query file runs as written, with the parameters its header gives for Neo4j Browser."""

import re

import pytest

from graph_rec.db import QUERY_DIR

# Query files that users run by hand; load/ and schema.cypher are run by the loader.
QUERY_FILES = sorted(path for path in QUERY_DIR.glob("*.cypher") if path.name != "schema.cypher")
PARAM_LINE = re.compile(r"^//\s*:param\s+(\{.*\})\s*$", re.MULTILINE)


# A few SIMILAR relationships from movies user 1 rated to the movies in the headers' examples,
# so the precomputed queries have paths to follow without a full precompute run.
ADD_SIMILAR = """
MATCH (:User {user_id: 1})-[:RATED]->(rated:Movie)
WITH rated ORDER BY rated.movie_id LIMIT 5
MATCH (candidate:Movie) WHERE candidate.movie_id IN [858, 1221]
MERGE (rated)-[:SIMILAR {weight: 0.1}]->(candidate)
"""
REMOVE_SIMILAR = "MATCH ()-[s:SIMILAR]->() DELETE s"


@pytest.fixture(scope="module")
def graph(movielens_load):
    graph = movielens_load[0]
    graph.run_text(ADD_SIMILAR)
    yield graph
    graph.run_text(REMOVE_SIMILAR)


def test_every_query_file_found():
    names = {path.stem for path in QUERY_FILES}
    assert {"collaborative", "content", "popular", "similar_collaborative", "similar_content"} <= names


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda path: path.name)
def test_query_file_runs_with_header_parameters(graph, path):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("//"), f"{path.name} has no header comment"

    examples = PARAM_LINE.findall(text)
    uses_parameters = "$" in text
    assert examples or not uses_parameters, f"{path.name} uses parameters but its header gives no :param example"

    # Neo4j evaluates the :param map itself, as Browser does, so the example is checked as written.
    parameters = graph.run_text(f"RETURN {examples[0]} AS parameters")[0]["parameters"] if examples else {}
    rows = graph.run_text(text.strip().rstrip(";"), **parameters)
    assert rows, f"{path.name} returned no rows for its example parameters"
