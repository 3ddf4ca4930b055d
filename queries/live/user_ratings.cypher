// One page of a user's ratings, newest first, with the user's total; no row for an unknown user.
//   :param {user_id: 1, offset: 0, limit: 20}
MATCH (u:User {user_id: $user_id})
CALL (u) {
  MATCH (u)-[r:RATED]->(m:Movie)
  WITH r, m
  ORDER BY r.timestamp DESC, m.movie_id
  SKIP $offset
  LIMIT $limit
  RETURN collect({movie_id: m.movie_id, title: m.title, rating: r.rating, timestamp: r.timestamp}) AS ratings
}
RETURN COUNT { (u)-[:RATED]->() } AS total, ratings;
