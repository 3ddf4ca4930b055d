// Title, year and genres of the movies with the given ids, with the rating count and mean
// rating that precompute stores on each movie (null before the first precompute).
//   :param {movie_ids: [1, 2, 3]}
UNWIND $movie_ids AS movie_id
MATCH (m:Movie {movie_id: movie_id})
RETURN m.movie_id AS movie_id, m.title AS title, m.year AS year, m.genres AS genres,
       m.rating_count AS rating_count, m.mean_rating AS mean_rating;
