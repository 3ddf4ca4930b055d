// One row per genre, actor or director link of each movie, the input of the batch content
// scores. A person who both acted in and directed a movie gives two rows, as in content.cypher.
//   :param {}
MATCH (m:Movie)-[:IN_GENRE|ACTED_IN|DIRECTED]-(feature)
RETURN m.movie_id AS movie_id, elementId(feature) AS feature;
