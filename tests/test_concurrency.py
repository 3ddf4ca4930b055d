"""8 writers and 8 readers at once against gunicorn: no lost or doubled rating, and no 5xx.

Each writer owns its users, so it can tell what the graph must contain for them afterwards: the
last acknowledged rating of every pair it did not delete. All writers also race on one shared
pair, which must end as one RATED relationship holding one of the acknowledged values.
GRAPH_REC_CONCURRENCY_SECONDS sets how long the clients run (default 20).
"""

import os
import random
import re
import threading
import time
from collections import Counter

from graph_rec.precompute import precompute
from tests.serving import call, running_api

KEY = "concurrency-key-0123456789"
AUTH = {"Authorization": f"Bearer {KEY}"}
SECONDS = float(os.environ.get("GRAPH_REC_CONCURRENCY_SECONDS", "20"))
WRITERS = READERS = 8
USERS_PER_WRITER = 5
MOVIES = 60
SHARED_USER, SHARED_MOVIE = 1, 1
RATINGS = [value / 2 for value in range(1, 11)]

CATALOGUE = """
UNWIND range(1, $movies) AS id
CREATE (m:Movie {movie_id: id, title: 'Movie ' + id, year: 1990 + id % 30, genres: ['G' + id % 7]})
MERGE (g:Genre {name: 'G' + id % 7})
CREATE (m)-[:IN_GENRE]->(g)
"""
SEED_RATINGS = """
UNWIND range(1, 40) AS user_id
MERGE (u:User {user_id: user_id})
WITH u, user_id
UNWIND range(1, 10) AS step
MATCH (m:Movie {movie_id: (user_id * 7 + step * 13) % $movies + 1})
MERGE (u)-[r:RATED]->(m)
SET r.rating = toFloat(1 + (user_id + step) % 5), r.timestamp = step
"""


def writer_users(writer: int) -> list[int]:
    return [10_000 + writer * 100 + index for index in range(USERS_PER_WRITER)]


class Client(threading.Thread):
    """A client thread that keeps the first error it meets, for the test to report."""

    def __init__(self, name: str):
        super().__init__(name=name)
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.work()
        except BaseException as error:  # reported by the test, which cannot see a thread's exception
            self.error = error

    def work(self) -> None:
        raise NotImplementedError


class Writer(Client):
    """Puts, replaces and deletes ratings of its own users, and records what was acknowledged."""

    def __init__(self, base: str, number: int, deadline: float, statuses: Counter):
        super().__init__(f"writer-{number}")
        self.base, self.number, self.deadline, self.statuses = base, number, deadline, statuses
        self.random = random.Random(number)
        self.expected: dict[tuple[int, int], float] = {}
        self.shared_values: set[float] = set()

    def work(self) -> None:
        while time.monotonic() < self.deadline:
            if self.random.random() < 0.1:
                self._put_rating(SHARED_USER, SHARED_MOVIE, shared=True)
                continue
            user = self.random.choice(writer_users(self.number))
            movie = self.random.randint(1, MOVIES)
            if self.random.random() < 0.25:
                self._delete_rating(user, movie)
            else:
                self._put_rating(user, movie)

    def _put_rating(self, user: int, movie: int, shared: bool = False) -> None:
        rating = self.random.choice(RATINGS)
        status, _, body = call("PUT", f"{self.base}/users/{user}/ratings/{movie}", {"rating": rating}, AUTH)
        self.statuses[status] += 1
        if status in (200, 201):
            assert body["rating"] == rating
            if shared:
                self.shared_values.add(rating)
            else:
                assert (status == 201) == ((user, movie) not in self.expected), (user, movie, status)
                self.expected[(user, movie)] = rating

    def _delete_rating(self, user: int, movie: int) -> None:
        status, _, _ = call("DELETE", f"{self.base}/users/{user}/ratings/{movie}", headers=AUTH)
        self.statuses[status] += 1
        if status == 204:
            assert self.expected.pop((user, movie), None) is not None, (user, movie)
        else:
            assert status == 404, (user, movie, status)
            assert (user, movie) not in self.expected, (user, movie)


class Reader(Client):
    """Asks for recommendations, rating pages and similar movies of random users and movies."""

    def __init__(self, base: str, number: int, deadline: float, statuses: Counter):
        super().__init__(f"reader-{number}")
        self.base, self.deadline, self.statuses = base, deadline, statuses
        self.random = random.Random(1000 + number)

    def work(self) -> None:
        while time.monotonic() < self.deadline:
            user = self.random.choice([*range(1, 41), *writer_users(self.random.randrange(WRITERS))])
            path = self.random.choice(
                [
                    f"/users/{user}/recommendations?k=10",
                    f"/users/{user}/recommendations?k=5&strategy=content",
                    f"/users/{user}/ratings?limit=10",
                    f"/movies/{self.random.randint(1, MOVIES)}/similar?k=5",
                ]
            )
            status, _, _ = call("GET", self.base + path)
            self.statuses[status] += 1


def test_writers_and_readers_lose_nothing(tiny_graph, test_servers, tmp_path):
    tiny_graph.run_text(CATALOGUE, movies=MOVIES)
    tiny_graph.run_text(SEED_RATINGS, movies=MOVIES)
    precompute(tiny_graph, l2=10.0, neighbours=20, popularity_exponent=0.5)
    log_path = tmp_path / "api.log"
    with running_api(
        test_servers["tiny"], "--workers", "4", "--threads", "4", "--no-access-log", log_path=log_path, GRAPH_REC_API_KEY=KEY
    ) as base:
        deadline = time.monotonic() + SECONDS
        write_statuses, read_statuses = Counter(), Counter()
        writers = [Writer(base, number, deadline, write_statuses) for number in range(WRITERS)]
        readers = [Reader(base, number, deadline, read_statuses) for number in range(READERS)]
        failures = []
        for thread in writers + readers:
            thread.start()
        for thread in writers + readers:
            thread.join(timeout=SECONDS + 120)
            if thread.is_alive():
                failures.append(f"{thread.name} still runs")
            elif thread.error is not None:
                failures.append(f"{thread.name}: {thread.error!r}")

    expected = {pair: rating for writer in writers for pair, rating in writer.expected.items()}
    stored = tiny_graph.run_text(
        "MATCH (u:User)-[r:RATED]->(m:Movie) WHERE u.user_id >= 10000 "
        "RETURN u.user_id AS user_id, m.movie_id AS movie_id, r.rating AS rating"
    )
    doubled = tiny_graph.run_text(
        "MATCH (u:User)-[r:RATED]->(m:Movie) WITH u, m, count(r) AS n WHERE n > 1 RETURN count(*) AS pairs"
    )[0]["pairs"]
    shared = tiny_graph.run_text(
        "MATCH (:User {user_id: $user})-[r:RATED]->(:Movie {movie_id: $movie}) RETURN r.rating AS rating",
        user=SHARED_USER,
        movie=SHARED_MOVIE,
    )
    shared_values = set().union(*(writer.shared_values for writer in writers))
    print(
        f"\n{SECONDS:g} s: writes {dict(write_statuses)}, reads {dict(read_statuses)}; "
        f"{len(expected)} ratings acknowledged and kept, {len(stored)} stored; shared pair written "
        f"{sum(1 for _ in shared_values)} distinct values"
    )

    assert not failures, failures
    assert not [status for status in write_statuses + read_statuses if status >= 500], (write_statuses, read_statuses)
    assert sum(write_statuses.values()) > 100
    assert sum(read_statuses.values()) > 100
    assert {(row["user_id"], row["movie_id"]): row["rating"] for row in stored} == expected
    assert len(stored) == len(expected)
    assert doubled == 0
    assert len(shared) == 1
    assert shared[0]["rating"] in shared_values
    # Deadlocks between writers are retried; each retry names the request and the ids.
    for line in log_path.read_text().splitlines():
        if "retrying live/" in line:
            assert re.search(r"\[[0-9a-f]{32}\]", line), line
            assert "'user_id'" in line, line
            assert "'movie_id'" in line, line
