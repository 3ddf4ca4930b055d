// Every movie id, smallest first.
//   :param {}
MATCH (m:Movie)
RETURN m.movie_id AS movie_id
ORDER BY movie_id;
