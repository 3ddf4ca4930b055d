// Remove a user with their ratings, tags and hidden movies; returns the number of ratings
// removed, or no row for an unknown user.
//   :param {user_id: 1}
MATCH (u:User {user_id: $user_id})
WITH u, COUNT { (u)-[:RATED]->() } AS ratings
DETACH DELETE u
RETURN ratings;
