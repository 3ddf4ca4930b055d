// Whether a user exists, how many movies they rated, and whether precomputed SIMILAR weights exist.
//   :param {user_id: 1}
MATCH (u:User {user_id: $user_id})
RETURN u.user_id AS user_id,
       COUNT { (u)-[:RATED]->() } AS rating_count,
       EXISTS { MATCH (:Precompute {name: 'similar'}) } AS has_similarities;
