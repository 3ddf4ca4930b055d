// The cast-and-crew fields of the movies of $movie_ids that have any: release date, IMDb rating,
// and actor and director names in billing order. Smallest id first. A movie without any of
// these has no line in the cast file.
//   :param {movie_ids: [1, 2, 3]}
UNWIND $movie_ids AS movie_id
MATCH (m:Movie {movie_id: movie_id})
WITH m,
     COLLECT { MATCH (p:Person)-[r:ACTED_IN]->(m) RETURN p.name ORDER BY r.order, p.name } AS actors,
     COLLECT { MATCH (p:Person)-[r:DIRECTED]->(m) RETURN p.name ORDER BY r.order, p.name } AS directors
WHERE m.released IS NOT NULL OR m.imdb_rating IS NOT NULL OR size(actors) > 0 OR size(directors) > 0
RETURN m.movie_id AS movie_id,
       m.released AS released,
       m.title AS title,
       coalesce(m.genres, COLLECT { MATCH (m)-[:IN_GENRE]->(g:Genre) RETURN g.name ORDER BY g.name }) AS genres,
       actors,
       directors,
       m.imdb_rating AS imdb_rating
ORDER BY movie_id;
