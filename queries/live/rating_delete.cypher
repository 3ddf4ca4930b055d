// Remove one rating; returns one row when the rating existed.
//   :param {user_id: 1, movie_id: 1}
MATCH (u:User {user_id: $user_id})-[r:RATED]->(:Movie {movie_id: $movie_id})
DELETE r
SET u.ratings_changed_at = datetime()
REMOVE u.candidates_rating_count
RETURN true AS deleted;
