"""Every recommendation query file runs as written, with the parameters its header gives for Neo4j Browser."""

import re

import pytest

from graph_rec.db import QUERY_DIR

# Query files that users run by hand; load/ and schema.cypher are run by the loader.
QUERY_FILES = sorted(path for path in QUERY_DIR.glob("*.cypher") if path.name != "schema.cypher")
PARAM_LINE = re.compile(r"^//\s*:param\s+(\{.*\})\s*$", re.MULTILINE)


@pytest.fixture(scope="module")
def graph(movielens_load):
    return movielens_load[0]


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
