"""Every recommendation query file runs as written, with the parameters its header gives for Neo4j Browser.

docs/browser.md lists every file of queries/ with a `:param` line to paste into Neo4j Browser.
The tests below keep that list complete and its parameter names equal to those each file uses.
"""

import re

import pytest
from neo4j import RoutingControl

from graph_rec.db import QUERY_DIR
from graph_rec.settings import PROJECT_ROOT

# Query files that users run by hand; load/ and schema.cypher are run by the loader.
QUERY_FILES = sorted(path for path in QUERY_DIR.glob("*.cypher") if path.name != "schema.cypher")
PARAM_LINE = re.compile(r"^//\s*:param\s+(\{.*\})\s*$", re.MULTILINE)
ALL_QUERY_FILES = sorted(QUERY_DIR.rglob("*.cypher"))
PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
WRITE_CLAUSE = re.compile(r"\b(CREATE|MERGE|SET|DELETE|REMOVE)\b")

BROWSER_DOC = PROJECT_ROOT / "docs" / "browser.md"
# One entry per query file: "- `path.cypher`: reads." or "- `path.cypher`: **writes**.", then a
# description and either the `:param` line in the arrow form or "No parameters.".
DOC_ENTRY = re.compile(
    r"^- `(?P<path>[\w/]+\.cypher)`: (?P<access>\*\*writes\*\*|reads)\.(?P<rest>.*?)(?=^- |^#|\Z)",
    re.MULTILINE | re.DOTALL,
)
DOC_PARAM_LINE = re.compile(r"`:param \[\{(?P<names>[^}]*)\}\] => \{(?P<query>RETURN [^`]*)\}`")
WALK_SECTION = re.compile(r"^## A walk through one user's neighbourhood$(.*?)^## ", re.MULTILINE | re.DOTALL)


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

    # Neo4j evaluates the header's map, so its integers stay integers, as the Python driver sends
    # them. (Browser's own `:param {...}` form would turn them into floats.)
    parameters = graph.run_text(f"RETURN {examples[0]} AS parameters")[0]["parameters"] if examples else {}
    rows = graph.run_text(text.strip().rstrip(";"), **parameters)
    assert rows, f"{path.name} returned no rows for its example parameters"


def cypher_without_comments(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("//"))


def file_parameters(path) -> set[str]:
    return set(PARAMETER.findall(cypher_without_comments(path.read_text(encoding="utf-8"))))


def map_keys(map_text: str) -> set[str]:
    """Parse the top-level keys out of a Cypher map literal such as ``{a: 1, b: [{c: 2}]}``."""
    keys, depth, quote, part = set(), 0, None, ""
    for character in map_text.strip()[1:-1] + ",":
        if quote:
            quote = None if character == quote else quote
        elif character in "'\"":
            quote = character
        elif character in "[{(":
            depth += 1
        elif character in "]})":
            depth -= 1
        elif character == "," and depth == 0:
            if part.strip():
                keys.add(part.split(":", 1)[0].strip())
            part = ""
            continue
        part += character
    return keys


def browser_doc_entries() -> dict[str, dict]:
    entries = {}
    for match in DOC_ENTRY.finditer(BROWSER_DOC.read_text(encoding="utf-8")):
        assert match["path"] not in entries, f"docs/browser.md lists {match['path']} twice"
        param = DOC_PARAM_LINE.search(match["rest"])
        entries[match["path"]] = {
            "writes": match["access"] == "**writes**",
            "names": [name.strip() for name in param["names"].split(",")] if param else None,
            "query": param["query"] if param else None,
            "no_parameters": "No parameters." in match["rest"],
        }
    return entries


def relative(path) -> str:
    return path.relative_to(QUERY_DIR).as_posix()


@pytest.mark.parametrize("path", [path for path in ALL_QUERY_FILES if PARAM_LINE.search(path.read_text())], ids=relative)
def test_header_param_matches_file_parameters(path):
    header = PARAM_LINE.search(path.read_text(encoding="utf-8"))[1]
    assert map_keys(header) == file_parameters(path)


def test_browser_doc_lists_every_query_file():
    listed = set(browser_doc_entries())
    files = {relative(path) for path in ALL_QUERY_FILES}
    assert sorted(files - listed) == [], "add these files of queries/ to docs/browser.md"
    assert sorted(listed - files) == [], "docs/browser.md lists files that queries/ lacks"


@pytest.mark.parametrize("path", ALL_QUERY_FILES, ids=relative)
def test_browser_doc_entry_matches_file(path):
    entry = browser_doc_entries().get(relative(path))
    assert entry is not None, f"docs/browser.md has no entry for {relative(path)}"

    parameters = file_parameters(path)
    if parameters:
        assert entry["names"] is not None, "the entry gives no `:param [{...}] => {RETURN ...}` line"
        assert sorted(entry["names"]) == sorted(parameters)
    else:
        assert entry["names"] is None
        assert entry["no_parameters"], "the entry should say \"No parameters.\""

    writes = bool(WRITE_CLAUSE.search(cypher_without_comments(path.read_text(encoding="utf-8"))))
    assert entry["writes"] == writes, "mark the entry **writes** exactly when the file writes"


@pytest.fixture(scope="module")
def browser_doc_parameters(graph) -> dict[str, dict]:
    """Each entry's parameters, evaluated by Neo4j from the RETURN of its `:param` line, as Browser does."""
    values = {}
    for path, entry in browser_doc_entries().items():
        if entry["query"] is not None:
            values[path] = graph.run_text(entry["query"], routing=RoutingControl.READ)[0]
    return values


def test_browser_doc_param_lines_evaluate(browser_doc_parameters):
    entries = browser_doc_entries()
    for path, parameters in browser_doc_parameters.items():
        assert list(parameters) == entries[path]["names"], f"{path}: the RETURN columns differ from the names in brackets"


# Top-level files already run with their header's parameters above. A file missing from the
# document counts as writing here; test_browser_doc_entry_matches_file reports it.
DOC_READ_FILES = [
    path
    for path in ALL_QUERY_FILES
    if path.parent != QUERY_DIR and not browser_doc_entries().get(relative(path), {"writes": True})["writes"]
]


@pytest.mark.parametrize("path", DOC_READ_FILES, ids=relative)
def test_read_file_runs_with_browser_doc_parameters(graph, browser_doc_parameters, path):
    parameters = browser_doc_parameters.get(relative(path), {})
    text = cypher_without_comments(path.read_text(encoding="utf-8")).strip().rstrip(";")
    # A read transaction, so a file marked "reads" that writes fails here.
    graph.run_text(text, routing=RoutingControl.READ, **parameters)


def test_browser_walkthrough_queries_run(graph):
    section = WALK_SECTION.search(BROWSER_DOC.read_text(encoding="utf-8"))[1]
    parameters = {}
    for name, expression in re.findall(r"^:param (\w+) => (.+)$", section, re.MULTILINE):
        parameters[name] = graph.run_text(f"RETURN {expression} AS value", routing=RoutingControl.READ)[0]["value"]
    assert set(parameters) == {"user_id", "movie_id"}

    queries = re.findall(r"```cypher\n(.*?)```", section, re.DOTALL)
    assert len(queries) >= 6
    for query in queries:
        assert not WRITE_CLAUSE.search(query), f"a walk-through query writes:\n{query}"
        used = set(PARAMETER.findall(query))
        graph.run_text(query, routing=RoutingControl.READ, **{name: parameters[name] for name in used})
