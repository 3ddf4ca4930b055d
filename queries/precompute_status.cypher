// The stored SIMILAR parameters and the rating count they were computed from, next to the
// graph's current rating count and the number of users whose ratings changed through the API
// since, so a precompute can tell whether it is up to date and /health how old it is.
//   :param {}
CALL () { MATCH ()-[r:RATED]->() RETURN count(r) AS ratings }
OPTIONAL MATCH (p:Precompute {name: 'similar'})
CALL (p) {
  MATCH (u:User)
  WHERE u.ratings_changed_at > p.computed_at
  RETURN count(u) AS changed_users
}
RETURN ratings, p.ratings AS computed_ratings, p.l2 AS l2, p.neighbours AS neighbours,
       p.popularity_exponent AS popularity_exponent, p.computed_at AS computed_at, changed_users;
