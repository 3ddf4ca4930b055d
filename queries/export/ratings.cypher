// The ratings of the users of $user_ids, one row per user, smallest user id first. `ratings`
// lists [movie_id, rating, timestamp] ordered by movie id: the order of MovieLens ratings.csv.
// The driver decodes a few lists much faster than one record per rating. collect() would drop
// a null from a list of single values, so each rating is collected as one list.
//   :param {user_ids: [1, 2]}
UNWIND $user_ids AS user_id
MATCH (u:User {user_id: user_id})-[r:RATED]->(m:Movie)
WITH u, m, r
ORDER BY u.user_id, m.movie_id
RETURN u.user_id AS user_id, collect([m.movie_id, r.rating, r.timestamp]) AS ratings
ORDER BY user_id;
