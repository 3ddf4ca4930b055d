// The tags of the users of $user_ids, ordered by user, movie and then tag ignoring case, which
// is the order of MovieLens tags.csv. The tag itself breaks ties between tags that differ
// only in case, so the order is the same on every export.
//   :param {user_ids: [2, 3]}
UNWIND $user_ids AS user_id
MATCH (u:User {user_id: user_id})-[t:TAGGED]->(m:Movie)
RETURN u.user_id AS user_id, m.movie_id AS movie_id, t.tag AS tag, t.timestamp AS timestamp
ORDER BY user_id, movie_id, toLower(tag), tag;
