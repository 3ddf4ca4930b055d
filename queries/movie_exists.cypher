// Whether a movie exists.
//   :param {movie_id: 1}
MATCH (m:Movie {movie_id: $movie_id})
RETURN m.movie_id AS movie_id;
