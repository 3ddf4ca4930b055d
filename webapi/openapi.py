"""The OpenAPI 3 description of the API, served at /openapi.json and checked by the fuzz test."""

from __future__ import annotations

from functools import cache

from graph_rec.feedback import MAX_PAGE_SIZE
from graph_rec.recommend import MAX_K, STRATEGIES
from graph_rec.recommend import MAX_OFFSET as RECOMMENDATION_OFFSET
from graph_rec.search import MAX_QUERY_LENGTH
from graph_rec.search import MAX_RESULTS as SEARCH_RESULTS
from webapi.bookmarks import HEADER, MAX_TOKEN_LENGTH, TOKEN_PATTERN

MAX_ID = 2**63 - 1  # the largest Neo4j INTEGER
MAX_OFFSET = 1_000_000  # of a page of ratings
MAX_OFFSET_RANK = RECOMMENDATION_OFFSET  # of a page of recommendations
MAX_SEARCH_RESULTS = SEARCH_RESULTS
MAX_EXCLUDED = 100
EXCLUDED_ID_PATTERN = "[1-9][0-9]{0,17}"
MIN_YEAR, MAX_YEAR = 1800, 2100


def _id(name: str, label: str, example: int) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": f"{label} id, a positive integer",
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
        "example": example,
    }


def _query_int(name: str, low: int, high: int, default: int, description: str) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "description": description,
        "schema": {"type": "integer", "minimum": low, "maximum": high, "default": default},
    }


def _json(schema_name: str, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}}}


def _errors(*statuses: int) -> dict:
    texts = {
        400: "invalid parameter or body; the message names it",
        401: "missing or wrong API key",
        403: "writes are disabled because the server has no API key",
        404: "unknown user, movie or rating",
        413: "request body over the size limit",
        503: "Neo4j is unavailable or busy; the message says why",
    }
    return {str(status): _json("Error", texts[status]) for status in statuses}


USER = _id("user_id", "MovieLens user", 1)
MOVIE = _id("movie_id", "MovieLens movie", 10)
K = _query_int("k", 1, MAX_K, 10, "number of movies to return")
SECURED = [{"apiKey": []}]
# Reads are open unless GRAPH_REC_READS_NEED_KEY is set; the description lists the key as optional for them.
OPTIONAL_KEY = [{}, {"apiKey": []}]

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["status", "message", "request_id"],
                "properties": {
                    "status": {"type": "integer"},
                    "message": {"type": "string"},
                    "request_id": {"type": "string"},
                },
            }
        },
    },
    "Movie": {
        "type": "object",
        "required": ["movie_id", "title", "year", "genres", "score", "reasons"],
        "properties": {
            "movie_id": {"type": "integer"},
            "title": {"type": "string"},
            "year": {"type": ["integer", "null"]},
            "genres": {"type": "array", "items": {"type": "string"}},
            "score": {"type": "number"},
            "reasons": {"type": "array", "items": {"type": "string"}},
        },
    },
    "Recommendations": {
        "type": "object",
        "required": ["user_id", "strategy", "offset", "items"],
        "properties": {
            "user_id": {"type": "integer"},
            "strategy": {"type": "string", "enum": list(STRATEGIES)},
            "offset": {"type": "integer"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Movie"}},
        },
    },
    "Explanation": {
        "type": "object",
        "description": "a node-link graph (networkx.node_link_graph reads it) with the paths behind the score",
        "required": ["directed", "multigraph", "graph", "nodes", "edges", "paths"],
        "properties": {
            "directed": {"type": "boolean"},
            "multigraph": {"type": "boolean"},
            "graph": {
                "type": "object",
                "required": ["user_id", "movie_id", "strategy", "score", "strategies"],
                "properties": {
                    "user_id": {"type": "integer"},
                    "movie_id": {"type": "integer"},
                    "strategy": {"type": "string"},
                    "score": {"type": "number"},
                    "strategies": {"type": "object"},
                },
            },
            "nodes": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "kind", "label"],
                    "properties": {
                        "id": {"type": "string"},
                        "kind": {"type": "string", "enum": ["user", "movie", "person", "genre"]},
                        "label": {"type": "string"},
                    },
                },
            },
            "edges": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["source", "target", "type"],
                    "properties": {
                        "source": {"type": "string"},
                        "target": {"type": "string"},
                        "type": {"type": "string", "enum": ["RATED", "SIMILAR", "CO_RATED", "ACTED_IN", "DIRECTED", "IN_GENRE"]},
                    },
                },
            },
            "paths": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["strategy", "nodes", "contribution"],
                    "properties": {
                        "strategy": {"type": "string"},
                        "nodes": {"type": "array", "items": {"type": "string"}},
                        "contribution": {"type": "number"},
                    },
                },
            },
        },
    },
    "SearchResults": {
        "type": "object",
        "required": ["query", "items"],
        "properties": {
            "query": {"type": "string"},
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["movie_id", "title", "year", "genres"],
                    "properties": {
                        "movie_id": {"type": "integer"},
                        "title": {"type": "string"},
                        "year": {"type": ["integer", "null"]},
                        "genres": {"type": ["array", "null"], "items": {"type": "string"}},
                    },
                },
            },
        },
    },
    "SimilarMovies": {
        "type": "object",
        "required": ["movie_id", "items"],
        "properties": {
            "movie_id": {"type": "integer"},
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Movie"}},
        },
    },
    "RatingInput": {
        "type": "object",
        "required": ["rating"],
        "additionalProperties": False,
        "properties": {"rating": {"type": "number", "minimum": 0.5, "maximum": 5.0, "multipleOf": 0.5}},
    },
    "Rating": {
        "type": "object",
        "required": ["user_id", "movie_id", "rating", "created"],
        "properties": {
            "user_id": {"type": "integer"},
            "movie_id": {"type": "integer"},
            "rating": {"type": "number"},
            "created": {"type": "boolean", "description": "true when the rating is new, false when it replaced one"},
        },
    },
    "RatingPage": {
        "type": "object",
        "required": ["user_id", "total", "offset", "limit", "next_offset", "items"],
        "properties": {
            "user_id": {"type": "integer"},
            "total": {"type": "integer"},
            "offset": {"type": "integer"},
            "limit": {"type": "integer"},
            "next_offset": {"type": ["integer", "null"]},
            "items": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["movie_id", "title", "rating", "timestamp"],
                    "properties": {
                        "movie_id": {"type": "integer"},
                        "title": {"type": ["string", "null"]},
                        "rating": {"type": "number"},
                        "timestamp": {"type": ["integer", "null"]},
                    },
                },
            },
        },
    },
    "Hidden": {
        "type": "object",
        "required": ["user_id", "movie_id", "hidden"],
        "properties": {"user_id": {"type": "integer"}, "movie_id": {"type": "integer"}, "hidden": {"type": "boolean"}},
    },
    "DeletedUser": {
        "type": "object",
        "required": ["user_id", "deleted_ratings"],
        "properties": {"user_id": {"type": "integer"}, "deleted_ratings": {"type": "integer"}},
    },
    "Health": {
        "type": "object",
        "required": ["status", "neo4j", "precompute"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "unavailable"]},
            "neo4j": {
                "type": "object",
                "required": ["reachable"],
                "properties": {"reachable": {"type": "boolean"}, "error": {"type": "string"}},
            },
            "precompute": {
                "type": ["object", "null"],
                "description": "when the precomputed data was computed, its age in seconds, and whether ratings changed since",
                "required": ["computed_at", "age_seconds", "stale"],
                "properties": {
                    "computed_at": {"type": ["string", "null"]},
                    "age_seconds": {"type": ["number", "null"]},
                    "stale": {"type": "boolean"},
                },
            },
        },
    },
}

BOOKMARKS = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": "the X-Graph-Bookmarks value of an earlier write response; the request then sees that write",
    "schema": {"type": "string", "pattern": TOKEN_PATTERN, "maxLength": MAX_TOKEN_LENGTH},
}
WRITE_HEADERS = {
    HEADER: {
        "description": "send this value back as a header to read this write from any worker or cluster member",
        "schema": {"type": "string"},
    }
}


FILTERS = [
    _query_int("offset", 0, MAX_OFFSET_RANK, 0, "rank of the first movie to return, for paging"),
    {"name": "genre", "in": "query", "required": False, "description": "only movies in this genre, in any letter case; an unknown genre matches no movie", "schema": {"type": "string", "maxLength": 100}},
    _query_int("year_min", MIN_YEAR, MAX_YEAR, MIN_YEAR, "only movies from this year on"),
    _query_int("year_max", MIN_YEAR, MAX_YEAR, MAX_YEAR, "only movies up to this year; below year_min, no movie matches"),
    {
        "name": "exclude",
        "in": "query",
        "required": False,
        "description": "comma-separated movie ids to leave out",
        "schema": {"type": "string", "pattern": f"^{EXCLUDED_ID_PATTERN}(,{EXCLUDED_ID_PATTERN}){{0,{MAX_EXCLUDED - 1}}}$"},
    },
]


def _operation(summary: str, parameters: list, responses: dict, security: list, body: bool = False) -> dict:
    operation = {"summary": summary, "parameters": parameters + [BOOKMARKS], "responses": responses, "security": security}
    if body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RatingInput"}}},
        }
    return operation


def _with_headers(response: dict) -> dict:
    return {**response, "headers": WRITE_HEADERS}


@cache
def openapi_document() -> dict:
    """Return the OpenAPI 3.1 document of every route."""
    read_errors = _errors(400, 401, 404, 503)
    write_errors = _errors(400, 401, 403, 404, 413, 503)
    strategy = {
        "name": "strategy",
        "in": "query",
        "required": False,
        "description": "how candidates are found",
        "schema": {"type": "string", "enum": list(STRATEGIES), "default": "hybrid"},
    }
    paths = {
        "/users/{user_id}/recommendations": {
            "get": _operation(
                "Top-k movies for a user, with readable reasons",
                [USER, K, strategy, *FILTERS],
                {"200": _json("Recommendations", "movies, best first"), **read_errors},
                OPTIONAL_KEY,
            )
        },
        "/users/{user_id}/recommendations/{movie_id}/explain": {
            "get": _operation(
                "The paths in the graph behind one movie's score for a user",
                [USER, MOVIE, strategy],
                {"200": _json("Explanation", "nodes, edges and paths with their contributions"), **read_errors},
                OPTIONAL_KEY,
            )
        },
        "/movies": {
            "get": _operation(
                "Movies whose titles contain words that start with each word of q, ignoring case and accents",
                [
                    {
                        "name": "q",
                        "in": "query",
                        "required": True,
                        "description": "words of a title",
                        "schema": {"type": "string", "minLength": 1, "maxLength": MAX_QUERY_LENGTH, "pattern": "\\S"},
                    },
                    _query_int("limit", 1, MAX_SEARCH_RESULTS, 10, "movies to return"),
                ],
                {"200": _json("SearchResults", "movies, best match first"), **read_errors},
                OPTIONAL_KEY,
            )
        },
        "/users/{user_id}/ratings": {
            "get": _operation(
                "A user's ratings, newest first, one page at a time",
                [
                    USER,
                    _query_int("offset", 0, MAX_OFFSET, 0, "ratings to skip"),
                    _query_int("limit", 1, MAX_PAGE_SIZE, 20, "ratings per page"),
                ],
                {"200": _json("RatingPage", "one page of ratings"), **read_errors},
                OPTIONAL_KEY,
            )
        },
        "/users/{user_id}/ratings/{movie_id}": {
            "put": _operation(
                "Create or replace a rating, creating the user if new",
                [USER, MOVIE],
                {
                    "200": _with_headers(_json("Rating", "the rating replaced one")),
                    "201": _with_headers(_json("Rating", "the rating is new")),
                    **write_errors,
                },
                SECURED,
                body=True,
            ),
            "delete": _operation(
                "Remove a rating",
                [USER, MOVIE],
                {"204": {"description": "removed", "headers": WRITE_HEADERS}, **write_errors},
                SECURED,
            ),
        },
        "/users/{user_id}/not-interested/{movie_id}": {
            "post": _operation(
                "Hide a movie from a user's recommendations, creating the user if new",
                [USER, MOVIE],
                {"200": _with_headers(_json("Hidden", "the movie is hidden")), **write_errors},
                SECURED,
            )
        },
        "/users/{user_id}": {
            "delete": _operation(
                "Remove a user with their ratings, tags and hidden movies",
                [USER],
                {"200": _with_headers(_json("DeletedUser", "the user is gone")), **write_errors},
                SECURED,
            )
        },
        "/movies/{movie_id}/similar": {
            "get": _operation(
                "Movies like one movie",
                [MOVIE, K],
                {"200": _json("SimilarMovies", "movies, most similar first"), **read_errors},
                OPTIONAL_KEY,
            )
        },
        "/metrics": {
            "get": {
                "summary": "Request counts and latencies by route, in Prometheus' text format",
                "security": OPTIONAL_KEY,
                "responses": {
                    "200": {"description": "the exposition text", "content": {"text/plain": {"schema": {"type": "string"}}}},
                    **_errors(401),
                },
            }
        },
        "/health": {
            "get": {
                "summary": "Whether Neo4j answers, and how old the precomputed data is",
                "security": [],
                "responses": {"200": _json("Health", "Neo4j answers"), "503": _json("Health", "Neo4j is unavailable")},
            }
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "graph_rec",
            "version": "1.0.0",
            "description": "Movie recommendations from a Neo4j graph. Every response carries an X-Request-Id header.",
        },
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "description": "the key set by GRAPH_REC_API_KEY"}},
        },
    }
