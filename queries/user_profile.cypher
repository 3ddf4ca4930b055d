// Whether a user exists, and how many movies they rated.
//   :param {user_id: 1}
MATCH (u:User {user_id: $user_id})
RETURN u.user_id AS user_id, COUNT { (u)-[:RATED]->() } AS rating_count;
