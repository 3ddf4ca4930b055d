// Create IMDb directing credits from $rows: [{movie_id, person_id, order}], after
// load/imdb_people created the people. `order` is the 0-based position among the title's
// directors: title.crew's order first, then those only in title.principals.
//   :param {rows: [{movie_id: 1, person_id: 'imdb:nm0005124', order: 0}]}
UNWIND $rows AS row
MATCH (m:Movie {movie_id: row.movie_id})
MATCH (p:Person {person_id: row.person_id})
SET p:Director
MERGE (p)-[r:DIRECTED]->(m)
SET r.order = row.order;
