// Every user id, smallest first, with the user's number of ratings and of tags. The export
// pages through ratings and tags by these ids and counts.
//   :param {}
MATCH (u:User)
RETURN u.user_id AS user_id,
       COUNT { (u)-[:RATED]->() } AS ratings,
       COUNT { (u)-[:TAGGED]->() } AS tags
ORDER BY user_id;
