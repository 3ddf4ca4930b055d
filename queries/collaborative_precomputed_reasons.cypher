// The movies the user rated that add the most precomputed weight to each movie in $movie_ids.
//   :param {user_id: 1, movie_ids: [858, 1221], evidence_limit: 3}
UNWIND $movie_ids AS movie_id
MATCH (:User {user_id: $user_id})-[:RATED]->(rated:Movie)-[s:SIMILAR]->(candidate:Movie {movie_id: movie_id})
WITH candidate, rated, s.weight AS weight
ORDER BY weight DESC, rated.movie_id
WITH candidate, collect({movie_id: rated.movie_id, title: rated.title, weight: weight}) AS rated_movies
RETURN candidate.movie_id AS movie_id, rated_movies[..$evidence_limit] AS evidence;
