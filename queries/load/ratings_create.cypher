// Create ratings from the parallel lists $user_ids, $movie_ids, $ratings and $timestamps, as
// load/ratings_merge does, but without looking for an existing RATED relationship. The loader
// uses it only when the graph had no RATED relationship at the start of the load and the
// validated file repeats no (user, movie) pair, so no rating is created twice.
UNWIND range(0, size($user_ids) - 1) AS i
MATCH (u:User {user_id: $user_ids[i]})
MATCH (m:Movie {movie_id: $movie_ids[i]})
CREATE (u)-[:RATED {rating: $ratings[i], timestamp: $timestamps[i]}]->(m);
