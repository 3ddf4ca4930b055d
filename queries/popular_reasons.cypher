// Rating count and mean rating of each movie in $movie_ids, the evidence behind a popular pick.
//   :param {movie_ids: [356, 318]}
UNWIND $movie_ids AS movie_id
MATCH (m:Movie {movie_id: movie_id})<-[r:RATED]-()
RETURN m.movie_id AS movie_id, {rating_count: count(r), mean_rating: avg(r.rating)} AS evidence;
