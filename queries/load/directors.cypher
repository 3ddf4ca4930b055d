// Create directors and their credits from $rows: [{movie_id, person_id, name, order}].
UNWIND $rows AS row
MATCH (m:Movie {movie_id: row.movie_id})
MERGE (p:Person {person_id: row.person_id})
SET p.name = row.name, p:Director
MERGE (p)-[r:DIRECTED]->(m)
SET r.order = row.order;
