"""Merge the people of the cast-and-crew file into the IMDb people who are the same person.

The cast file names people without ids, so its loader keys them as person_id 'name:<name>'.
The IMDb loader keys people by nconst, as 'imdb:nm0000158'. Loading both would otherwise give
one actor two nodes, and the content strategy would count each shared credit twice and
compute each node's idf from part of the actor's movies.

The rule: a person 'name:X' and an IMDb person are the same when the IMDb person is also
named X and is credited on one of the same movies. A name alone is not enough, because IMDb
has many people of the same name. queries/load/merge_name_people.cypher moves the credits and
deletes the emptied node. Both loaders call ``merge_name_people`` after writing credits, so
loading the two sources in either order, or again, ends in the same graph.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

logger = logging.getLogger(__name__)


def merge_name_people(writer, person_ids: Iterable[str], source: Path) -> None:
    """Merge each 'name:' person of ``person_ids`` that has an IMDb namesake on a shared movie into it.

    ``writer`` is the batch writer of ``loaders.writer.write_dataset``. ``person_ids`` lists the
    candidates, and an id that no node has is skipped. Passing them, instead of searching the
    graph for them, keeps the query plan the same on a fresh graph whose statistics lag behind.
    ``source`` is the file whose load made the merge necessary, named in the log.
    """
    if not writer.graph.read("load/imdb_people_present")[0]["present"]:
        logger.info("the graph has no IMDb people, so no person of %s is merged", source)
        return
    candidates = pd.DataFrame({"person_id": pd.Series(sorted(set(person_ids)), dtype=object)})
    writer.write("merge_name_people", candidates, source)
