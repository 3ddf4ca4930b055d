// Merge people of the cast-and-crew file into the IMDb people who are the same person, from
// $rows: [{person_id}], each 'name:' followed by a name. An id that no node has, and a person
// without a namesake, are left as they are.
//
// A namesake is an IMDb person with the same name who is credited on one of the person's
// movies. Each credit moves to the namesake credited on its movie. The person's other credits
// move to the namesake as well when there is exactly one, and stay otherwise, because then the
// name belongs to several people. A moved credit that the namesake already has keeps the
// namesake's IMDb order. A person left without credits is deleted.
//   :param {rows: [{person_id: 'name:Tom Hanks'}]}
UNWIND $rows AS row
MATCH (p:Person {person_id: row.person_id})
WITH p, COLLECT {
  MATCH (p)-[:ACTED_IN|DIRECTED]->(:Movie)<-[:ACTED_IN|DIRECTED]-(namesake:Person)
  WHERE namesake.person_id STARTS WITH 'imdb:' AND namesake.name = p.name
  WITH DISTINCT namesake
  RETURN namesake ORDER BY namesake.person_id
} AS namesakes
CALL (p, namesakes) {
  MATCH (p)-[old:ACTED_IN]->(m:Movie)
  WITH old, m, [q IN namesakes WHERE EXISTS { (q)-[:ACTED_IN|DIRECTED]->(m) }] AS on_movie
  WITH old, m, CASE WHEN size(on_movie) > 0 THEN on_movie[0] WHEN size(namesakes) = 1 THEN namesakes[0] END AS target
  WHERE target IS NOT NULL
  MERGE (target)-[moved:ACTED_IN]->(m)
  ON CREATE SET moved.order = old.order
  SET target:Actor
  DELETE old
}
CALL (p, namesakes) {
  MATCH (p)-[old:DIRECTED]->(m:Movie)
  WITH old, m, [q IN namesakes WHERE EXISTS { (q)-[:ACTED_IN|DIRECTED]->(m) }] AS on_movie
  WITH old, m, CASE WHEN size(on_movie) > 0 THEN on_movie[0] WHEN size(namesakes) = 1 THEN namesakes[0] END AS target
  WHERE target IS NOT NULL
  MERGE (target)-[moved:DIRECTED]->(m)
  ON CREATE SET moved.order = old.order
  SET target:Director
  DELETE old
}
CALL (p) {
  WITH p
  WHERE NOT EXISTS { (p)-[:ACTED_IN]->() }
  REMOVE p:Actor
}
CALL (p) {
  WITH p
  WHERE NOT EXISTS { (p)-[:DIRECTED]->() }
  REMOVE p:Director
}
WITH p
WHERE NOT EXISTS { (p)-[:ACTED_IN|DIRECTED]->() }
DETACH DELETE p;
