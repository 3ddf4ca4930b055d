// The movies of $movie_ids with the fields of movies.csv, smallest id first. `genres` is the
// list the loader stored in the order of movies.csv. A movie without that list gets the names
// of its IN_GENRE genres in alphabetical order.
//   :param {movie_ids: [1, 2, 3]}
UNWIND $movie_ids AS movie_id
MATCH (m:Movie {movie_id: movie_id})
RETURN m.movie_id AS movie_id,
       m.title AS title,
       coalesce(m.genres, COLLECT { MATCH (m)-[:IN_GENRE]->(g:Genre) RETURN g.name ORDER BY g.name }) AS genres
ORDER BY movie_id;
