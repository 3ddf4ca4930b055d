"""Title search through the movie_titles full-text index: case- and accent-insensitive, by word prefix."""

from __future__ import annotations

import logging
import re
import unicodedata

from neo4j.exceptions import ClientError

from graph_rec.db import Graph

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
MAX_WORDS = 10
MAX_RESULTS = 50
_WORD = re.compile(r"[a-z0-9]+")


class SearchIndexMissingError(RuntimeError):
    """The graph has no movie_titles full-text index yet."""


def lucene_query(text: str) -> str | None:
    """Turn typed text into a Lucene query where every word must start a title word; None when no word is left.

    Accents are folded and case is lowered here too, because Lucene does not analyse wildcard
    terms, and only letters and digits are kept, so no Lucene syntax can get through.
    """
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(character for character in folded if not unicodedata.combining(character)).lower()
    words = _WORD.findall(folded)[:MAX_WORDS]
    if not words:
        return None
    return " AND ".join(f"{word}*" for word in words)


def search_movies(graph: Graph, text: str, limit: int = 10) -> list[dict]:
    """Return up to ``limit`` movies whose titles contain words starting with each typed word, best first."""
    if not 1 <= limit <= MAX_RESULTS:
        raise ValueError(f"limit must be 1 to {MAX_RESULTS}, got {limit}")
    query = lucene_query(text[:MAX_QUERY_LENGTH])
    if query is None:
        return []
    try:
        rows = graph.read("movie_search", query=query, limit=limit)
    except ClientError as error:
        if "movie_titles" in (error.message or ""):
            raise SearchIndexMissingError(
                "the graph has no movie_titles full-text index: run `python -m graph_rec load` again, "
                "which creates the indexes of queries/schema.cypher"
            ) from error
        raise
    return [{name: row[name] for name in ("movie_id", "title", "year", "genres")} for row in rows]
