// Create IMDb acting credits from $rows: [{movie_id, person_id, order}], after load/imdb_people
// created the people. `order` is the 0-based position among the title's actors and actresses
// in title.principals, by its `ordering` column.
//   :param {rows: [{movie_id: 1, person_id: 'imdb:nm0000158', order: 0}]}
UNWIND $rows AS row
MATCH (m:Movie {movie_id: row.movie_id})
MATCH (p:Person {person_id: row.person_id})
SET p:Actor
MERGE (p)-[r:ACTED_IN]->(m)
SET r.order = row.order;
