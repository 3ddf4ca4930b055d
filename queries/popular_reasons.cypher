// Rating count and mean rating of each movie in $movie_ids, the evidence behind a popular pick.
// precompute stores both on the movie; without them they are counted from the ratings.
//   :param {movie_ids: [356, 318]}
UNWIND $movie_ids AS movie_id
MATCH (m:Movie {movie_id: movie_id})
CALL (m) {
  WITH m WHERE m.rating_count IS NOT NULL
  RETURN m.rating_count AS rating_count, m.mean_rating AS mean_rating
  UNION
  WITH m WHERE m.rating_count IS NULL
  MATCH (m)<-[r:RATED]-()
  RETURN count(r) AS rating_count, avg(r.rating) AS mean_rating
}
WITH m, rating_count, mean_rating WHERE rating_count > 0
RETURN m.movie_id AS movie_id, {rating_count: rating_count, mean_rating: mean_rating} AS evidence;
