"""The command line as a script uses it: output, exit codes, and loading ml-100k."""

import pytest

from tests.conftest import data_dir
from tests.graphs import TINY_GRAPH
from tests.serving import run_cli


@pytest.fixture
def tiny_settings(tiny_graph, test_servers):
    return test_servers["tiny"]


def test_recommend_prints_ranked_list(tiny_graph, tiny_settings):
    tiny_graph.run_text(TINY_GRAPH)
    result = run_cli(tiny_settings, "recommend", "1", "--k", "2")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(" 1. Collateral (2004)")
    assert any(line.strip().startswith("- rated highly by people who also liked Heat (1995)") for line in lines)


def test_recommend_unknown_user_exit_4(tiny_graph, tiny_settings):
    tiny_graph.run_text(TINY_GRAPH)
    result = run_cli(tiny_settings, "recommend", "999")

    assert result.returncode == 4
    assert "user 999 not found" in result.stderr


def test_load_ml100k_with_credits_rejected(tiny_settings):
    result = run_cli(tiny_settings, "load", "--ml100k", str(data_dir() / "ml-100k"), "--credits", "cast.csv")

    assert result.returncode == 2
    assert "--credits" in result.stderr


def test_load_ml100k_then_precompute(tiny_graph, tiny_settings):
    loaded = run_cli(tiny_settings, "load", "--ml100k", str(data_dir() / "ml-100k"))
    assert loaded.returncode == 0, loaded.stderr
    counts = tiny_graph.read("graph_counts")[0]
    assert counts["users"] == 943
    assert counts["movies"] == 1682
    assert counts["ratings"] == 100000

    computed = run_cli(tiny_settings, "precompute", "--neighbours", "50")
    assert computed.returncode == 0, computed.stderr
    again = run_cli(tiny_settings, "precompute", "--neighbours", "50")
    assert again.returncode == 0
    assert "up to date" in again.stderr

    result = run_cli(tiny_settings, "recommend", "1", "--k", "3", "--strategy", "collaborative")
    assert result.returncode == 0, result.stderr
    assert "often liked by people who liked" in result.stdout


def test_load_reruns_stale_precompute(tiny_graph, tiny_settings, tmp_path):
    from graph_rec.synthetic import generate

    first = tmp_path / "first"
    generate(first, users=30, movies=60, ratings=900, seed=3)
    assert run_cli(tiny_settings, "load", "--movielens", str(first)).returncode == 0
    assert run_cli(tiny_settings, "precompute", "--neighbours", "20").returncode == 0

    # The same files plus one rating of a movie that user 1 has not rated.
    second = tmp_path / "second"
    second.mkdir()
    for path in first.iterdir():
        (second / path.name).write_bytes(path.read_bytes())
    rated = {row["id"] for row in tiny_graph.run_text("MATCH (:User {user_id: 1})-[:RATED]->(m) RETURN m.movie_id AS id")}
    unrated = min(set(range(1, 61)) - rated)
    with open(second / "ratings.csv", "a") as ratings:
        ratings.write(f"1,{unrated},4.5,1500000000\n")
    loaded = run_cli(tiny_settings, "load", "--movielens", str(second))

    assert loaded.returncode == 0, loaded.stderr
    assert "precompute runs again" in loaded.stderr
    profile = tiny_graph.read("user_profile", user_id=1)[0]
    assert profile["candidates"] is not None
    assert unrated not in profile["candidates"]["collaborative"]["ids"]
    skipped = run_cli(tiny_settings, "load", "--movielens", str(second))
    assert "precompute runs again" not in skipped.stderr


@pytest.mark.parametrize(
    "arguments, code, message",
    [
        (["recommend", "1", "--k", "0"], 2, "k must be an integer from 1 to 100"),
        (["recommend", "1", "--strategy", "magic"], 2, "invalid choice"),
        (["load", "--movielens", "/no/such/folder"], 2, "/no/such/folder"),
        (["similar", "999"], 4, "movie 999 not found"),
        (["refresh", "--every", "-1"], 2, "--every -1 is negative"),
        (["export", "--out", "/dev/null"], 2, "/dev/null"),
    ],
)
def test_exit_codes_scripts_rely_on(tiny_graph, tiny_settings, arguments, code, message):
    tiny_graph.run_text(TINY_GRAPH)
    result = run_cli(tiny_settings, *arguments)
    assert result.returncode == code, result.stderr
    assert message in result.stderr


def test_exit_code_3_when_neo4j_is_unreachable(tmp_path):
    from graph_rec import neo4j_server
    from graph_rec.settings import Settings

    unreachable = Settings(neo4j_uri=f"neo4j://127.0.0.1:{neo4j_server.free_port()}", neo4j_password="unused-password")
    result = run_cli(unreachable, "recommend", "1")
    assert result.returncode == 3
    assert "is unavailable" in result.stderr
