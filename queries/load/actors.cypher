// Create actors and their credits from $rows: [{movie_id, person_id, name, order}].
// `order` is the 0-based billing position in the source list.
UNWIND $rows AS row
MATCH (m:Movie {movie_id: row.movie_id})
MERGE (p:Person {person_id: row.person_id})
SET p.name = row.name, p:Actor
MERGE (p)-[r:ACTED_IN]->(m)
SET r.order = row.order;
