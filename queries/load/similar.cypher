// Store precomputed item-to-item weights from $rows: [{movie_id, neighbours: [{movie_id, weight}]}].
// Each row replaces the movie's outgoing SIMILAR relationships.
UNWIND $rows AS row
MATCH (m:Movie {movie_id: row.movie_id})
CALL (m) {
  MATCH (m)-[old:SIMILAR]->()
  DELETE old
}
WITH m, row
UNWIND row.neighbours AS neighbour
MATCH (other:Movie {movie_id: neighbour.movie_id})
CREATE (m)-[:SIMILAR {weight: neighbour.weight}]->(other);
