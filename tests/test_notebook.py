"""notebooks/explore.ipynb runs from top to bottom against the session's ml-latest-small server.

nbclient runs the notebook in an IPython kernel of this test's own Python, through a kernel spec
written in a temporary folder, so no Jupyter installed elsewhere is involved. The kernel finds the
server through NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD, which are set in the kernel's environment
only. The notebook must only read, because other tests share this graph.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from neo4j import GraphDatabase

from graph_rec.settings import PROJECT_ROOT, Settings

logger = logging.getLogger(__name__)

NOTEBOOK = PROJECT_ROOT / "notebooks" / "explore.ipynb"
KERNEL_NAME = "graph-rec-test-python"
CELL_TIMEOUT_SECONDS = 300
FIGURE_TAG = "figure"

# Counts that any write by the notebook would most likely change; the bookmark check below
# catches the rest.
GRAPH_STATE = """
CALL () { MATCH (n) RETURN count(n) AS nodes }
CALL () { MATCH ()-[r]->() RETURN count(r) AS relationships }
CALL () { MATCH ()-[r:RATED]->() RETURN sum(r.rating) AS rating_sum }
CALL () { MATCH (u:User) WHERE u.ratings_changed_at IS NOT NULL RETURN count(u) AS changed_users }
RETURN nodes, relationships, rating_sum, changed_users
"""


def write_kernel_spec(folder: Path) -> KernelSpecManager:
    """Write a kernel spec that starts ipykernel with this Python, and return a manager that finds only that spec."""
    spec_folder = folder / KERNEL_NAME
    spec_folder.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "graph-rec test Python",
        "language": "python",
    }
    (spec_folder / "kernel.json").write_text(json.dumps(spec))
    return KernelSpecManager(kernel_dirs=[str(folder)])


def kernel_environment(settings: Settings, folder: Path) -> dict[str, str]:
    """Return the kernel's environment: this process's, without any Neo4j or graph_rec setting
    of the person running the tests, plus the test server."""
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith(("NEO4J_", "GRAPH_REC_"))
    }
    environment.update(
        NEO4J_URI=settings.neo4j_uri,
        NEO4J_USER=settings.neo4j_user,
        NEO4J_PASSWORD=settings.neo4j_password or "",
        # Two cores are shared with other test runs, so a query may take longer than the default 10 s.
        GRAPH_REC_QUERY_TIMEOUT="120",
        GRAPH_REC_REQUEST_TIMEOUT="180",
        # IPython keeps its profile here instead of in the home folder.
        IPYTHONDIR=str(folder / "ipython"),
    )
    return environment


def read_bookmarks(settings: Settings) -> frozenset[str]:
    """Return the bookmarks of a read transaction, which name the database's last committed transaction."""
    auth = (settings.neo4j_user, settings.neo4j_password) if settings.neo4j_password is not None else None
    with GraphDatabase.driver(settings.neo4j_uri, auth=auth) as driver:
        with driver.session(database=settings.neo4j_database, default_access_mode="READ") as session:
            session.run("RETURN 1").consume()
            return frozenset(session.last_bookmarks().raw_values)


@pytest.fixture(scope="module")
def executed_notebook(movielens_load, movielens_settings, tmp_path_factory):
    """The notebook after one run, with the graph's state and bookmarks from before and after it."""
    graph = movielens_load[0]
    folder = tmp_path_factory.mktemp("notebook")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    kernel_manager = AsyncKernelManager(
        kernel_name=KERNEL_NAME,
        kernel_spec_manager=write_kernel_spec(folder / "kernels"),
        connection_file=str(folder / "connection.json"),
    )
    client = NotebookClient(
        notebook,
        km=kernel_manager,
        timeout=CELL_TIMEOUT_SECONDS,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )

    state_before = graph.run_text(GRAPH_STATE)[0]
    bookmarks_before = read_bookmarks(movielens_settings)
    started = time.perf_counter()
    # nbclient shuts down only kernels whose manager it created, unless cleanup_kc is true.
    client.execute(env=kernel_environment(movielens_settings, folder), cleanup_kc=True)
    seconds = time.perf_counter() - started
    print(f"\nran {NOTEBOOK.name} in {seconds:.1f} s")
    logger.info("ran %s in %.1f s", NOTEBOOK.name, seconds)
    state_after = graph.run_text(GRAPH_STATE)[0]
    bookmarks_after = read_bookmarks(movielens_settings)
    return notebook, (state_before, state_after), (bookmarks_before, bookmarks_after)


def code_cells(notebook) -> list:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def test_committed_notebook_has_no_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(notebook)
    for index, cell in enumerate(code_cells(notebook)):
        assert cell.outputs == [], f"code cell {index} of {NOTEBOOK.name} has outputs: clear them before committing"
        assert cell.execution_count is None, f"code cell {index} of {NOTEBOOK.name} has an execution count"


def test_notebook_has_parameters_cell_first():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    first = code_cells(notebook)[0]
    assert "parameters" in first.metadata.get("tags", [])
    assert "USER_ID =" in first.source


def test_notebook_runs_without_errors(executed_notebook):
    notebook, _, _ = executed_notebook
    for index, cell in enumerate(code_cells(notebook)):
        assert cell.execution_count is not None, f"code cell {index} did not run"
        errors = [output for output in cell.outputs if output.output_type == "error"]
        assert not errors, f"code cell {index} raised {errors[0].ename}: {errors[0].evalue}"
        stderr = "".join(output.text for output in cell.outputs if output.output_type == "stream" and output.name == "stderr")
        assert "Traceback" not in stderr, f"code cell {index} printed a traceback:\n{stderr}"


def test_notebook_figure_cells_show_images(executed_notebook):
    notebook, _, _ = executed_notebook
    figure_cells = [cell for cell in code_cells(notebook) if FIGURE_TAG in cell.metadata.get("tags", [])]
    # The rating distribution, the degree distributions and the explanation graph.
    assert len(figure_cells) == 3
    for cell in figure_cells:
        images = [output for output in cell.outputs if "image/png" in output.get("data", {})]
        assert len(images) == 1, f"figure cell shows {len(images)} images:\n{cell.source[:200]}"


def test_notebook_connects_to_test_server(executed_notebook, movielens_settings):
    notebook, _, _ = executed_notebook
    printed = "".join(
        output.text for cell in code_cells(notebook) for output in cell.outputs if output.output_type == "stream"
    )
    assert f"connected to {movielens_settings.neo4j_uri}" in printed


def test_notebook_explains_top_recommendation(executed_notebook):
    notebook, _, _ = executed_notebook
    printed = "".join(
        output.text for cell in code_cells(notebook) for output in cell.outputs if output.output_type == "stream"
    )
    assert " paths" in printed
    assert "from 0 paths" not in printed


def test_notebook_writes_nothing(executed_notebook):
    _, (state_before, state_after), (bookmarks_before, bookmarks_after) = executed_notebook
    assert state_after == state_before
    assert bookmarks_after == bookmarks_before, "a transaction was committed on the movielens server while the notebook ran"
