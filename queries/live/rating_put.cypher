// Create or replace one rating, creating the user when new; no row comes back when the movie
// is missing, and then nothing is written. Marking the user changed sends their next request
// to the live queries, which see this rating, and tells precompute that its data is stale.
//   :param {user_id: 1, movie_id: 1, rating: 4.5, timestamp: 1733400000}
MATCH (m:Movie {movie_id: $movie_id})
MERGE (u:User {user_id: $user_id})
MERGE (u)-[r:RATED]->(m)
WITH u, r, r.rating IS NULL AS created
SET r.rating = $rating, r.timestamp = $timestamp, u.ratings_changed_at = datetime()
REMOVE u.candidates_rating_count
RETURN created;
