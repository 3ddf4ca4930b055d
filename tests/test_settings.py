"""Settings from the environment: which server and which local home a command uses."""

import pytest

from graph_rec.settings import NEO4J_HOMES, Settings


def test_default_home_is_movielens():
    settings = Settings.from_env({})
    assert settings.neo4j_home == NEO4J_HOMES / "movielens"
    assert settings.neo4j_uri is None


def test_dataset_variable_selects_home():
    assert Settings.from_env({"GRAPH_REC_DATASET": "ml100k"}).neo4j_home == NEO4J_HOMES / "ml100k"


def test_dataset_argument_beats_variable():
    settings = Settings.from_env({"GRAPH_REC_DATASET": "movielens"}, dataset="ml100k")
    assert settings.neo4j_home == NEO4J_HOMES / "ml100k"


def test_home_variable_beats_dataset(tmp_path):
    settings = Settings.from_env({"GRAPH_REC_NEO4J_HOME": str(tmp_path), "GRAPH_REC_DATASET": "ml100k"})
    assert settings.neo4j_home == tmp_path


def test_unknown_dataset_rejected():
    with pytest.raises(ValueError, match="ml-1m"):
        Settings.from_env({"GRAPH_REC_DATASET": "ml-1m"})


def test_neo4j_uri_and_credentials():
    settings = Settings.from_env({"NEO4J_URI": "neo4j://db:7687", "NEO4J_USER": "reader", "NEO4J_PASSWORD": "secret"})
    assert settings.neo4j_uri == "neo4j://db:7687"
    assert settings.neo4j_user == "reader"
    assert settings.neo4j_password == "secret"


@pytest.mark.parametrize("raw", ["0", "-1", "soon"])
def test_invalid_timeout_rejected(raw):
    with pytest.raises(ValueError, match="GRAPH_REC_QUERY_TIMEOUT"):
        Settings.from_env({"GRAPH_REC_QUERY_TIMEOUT": raw})


def test_hybrid_weights_parsed():
    settings = Settings.from_env({"GRAPH_REC_HYBRID_WEIGHTS": "collaborative=1, content=0.2,popular=0"})
    assert settings.hybrid_weights == {"collaborative": 1.0, "content": 0.2, "popular": 0.0}


@pytest.mark.parametrize(
    "raw, message",
    [("random=1", "invalid strategy"), ("content=x", "invalid weight"), ("content=-1", "negative"), ("content=0", "above 0")],
)
def test_invalid_hybrid_weights_rejected(raw, message):
    with pytest.raises(ValueError, match=message):
        Settings.from_env({"GRAPH_REC_HYBRID_WEIGHTS": raw})


def test_request_timeout_must_exceed_driver_waits():
    with pytest.raises(ValueError, match="GRAPH_REC_CONNECTION_TIMEOUT \\+ GRAPH_REC_RETRY_TIME is 7 s, not below"):
        Settings.from_env({"GRAPH_REC_CONNECTION_TIMEOUT": "4", "GRAPH_REC_RETRY_TIME": "3", "GRAPH_REC_REQUEST_TIMEOUT": "6"})
    with pytest.raises(ValueError, match="GRAPH_REC_QUERY_TIMEOUT is 10 s, not below GRAPH_REC_REQUEST_TIMEOUT"):
        Settings.from_env({"GRAPH_REC_REQUEST_TIMEOUT": "10"})
    settings = Settings.from_env({"GRAPH_REC_REQUEST_TIMEOUT": "30", "GRAPH_REC_QUERY_TIMEOUT": "20"})
    assert (settings.request_timeout, settings.query_timeout) == (30.0, 20.0)


@pytest.mark.parametrize("raw, expected", [("true", True), ("1", True), ("no", False), ("False", False)])
def test_reads_need_key_parsed(raw, expected):
    settings = Settings.from_env({"GRAPH_REC_API_KEY": "k" * 16, "GRAPH_REC_READS_NEED_KEY": raw})
    assert settings.reads_need_key is expected


def test_reads_need_key_rejects_other_values():
    with pytest.raises(ValueError, match="GRAPH_REC_READS_NEED_KEY='maybe' is invalid"):
        Settings.from_env({"GRAPH_REC_API_KEY": "k" * 16, "GRAPH_REC_READS_NEED_KEY": "maybe"})


def test_max_body_bytes_from_env():
    assert Settings.from_env({"GRAPH_REC_MAX_BODY_BYTES": "1024"}).max_body_bytes == 1024
    with pytest.raises(ValueError, match="GRAPH_REC_MAX_BODY_BYTES"):
        Settings.from_env({"GRAPH_REC_MAX_BODY_BYTES": "0"})
