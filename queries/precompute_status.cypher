// The stored SIMILAR parameters and the rating count they were computed from, next to the
// graph's current rating count, so a precompute can tell whether it is already up to date.
//   :param {}
CALL () { MATCH ()-[r:RATED]->() RETURN count(r) AS ratings }
OPTIONAL MATCH (p:Precompute {name: 'similar'})
RETURN ratings, p.ratings AS computed_ratings, p.l2 AS l2, p.neighbours AS neighbours,
       p.popularity_exponent AS popularity_exponent, p.computed_at AS computed_at;
