"""Live ratings through gunicorn: reads see writes on any worker, and the background refresh renews precompute."""

import time

from graph_rec.precompute import precompute
from tests.graphs import TINY_GRAPH
from tests.serving import call, running_api
from webapi.bookmarks import HEADER
from webapi.server import WORKER_PID_HEADER

KEY = "live-key-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {KEY}"}
REFRESH_SECONDS = 60


def test_reads_see_writes_on_any_worker(tiny_graph, test_servers):
    tiny_graph.run_text(TINY_GRAPH)
    precompute(tiny_graph, l2=1.0, neighbours=3, popularity_exponent=0.5)
    workers = set()
    with running_api(test_servers["tiny"], "--workers", "3", GRAPH_REC_API_KEY=KEY) as base:
        for user in range(100, 120):
            for movie in (10, 20):
                status, headers, _ = call("PUT", f"{base}/users/{user}/ratings/{movie}", {"rating": 5.0}, AUTH)
                assert status == 201
                workers.add(headers[WORKER_PID_HEADER])
                after_write = {HEADER: headers[HEADER]}
                status, headers, page = call("GET", f"{base}/users/{user}/ratings", headers=after_write)
                assert status == 200
                assert movie in [item["movie_id"] for item in page["items"]]
                workers.add(headers[WORKER_PID_HEADER])
                status, _, body = call("GET", f"{base}/users/{user}/recommendations?k=3", headers=after_write)
                assert status == 200
                assert movie not in [item["movie_id"] for item in body["items"]]
    assert len(workers) >= 2


def test_background_refresh_renews_a_stale_precompute(tiny_graph, test_servers):
    tiny_graph.run_text(TINY_GRAPH)
    precompute(tiny_graph, l2=1.0, neighbours=3, popularity_exponent=0.5)
    with running_api(test_servers["tiny"], "--workers", "1", "--refresh-every", "1", GRAPH_REC_API_KEY=KEY) as base:
        assert call("GET", f"{base}/health")[2]["precompute"]["stale"] is False
        computed_at = call("GET", f"{base}/health")[2]["precompute"]["computed_at"]
        assert call("PUT", f"{base}/users/1/ratings/20", {"rating": 4.0}, AUTH)[0] == 201
        started = time.monotonic()
        while True:
            precomputed = call("GET", f"{base}/health")[2]["precompute"]
            if not precomputed["stale"]:
                break
            assert time.monotonic() - started < REFRESH_SECONDS, precomputed
            time.sleep(0.5)
        print(f"\nprecompute renewed {time.monotonic() - started:.1f} s after the write")
        assert precomputed["computed_at"] > computed_at
        assert precomputed["users_changed_since"] == 0
