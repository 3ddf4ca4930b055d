// The IMDb and TMDB ids of the movies of $movie_ids as links.csv gives them (text, with the
// leading zeros of imdbId), smallest movie id first. An id the graph lacks is null.
//   :param {movie_ids: [1, 2, 3]}
UNWIND $movie_ids AS movie_id
MATCH (m:Movie {movie_id: movie_id})
RETURN m.movie_id AS movie_id, m.imdb_id AS imdb_id, m.tmdb_id AS tmdb_id
ORDER BY movie_id;
