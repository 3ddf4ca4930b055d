// Popular movies: the most rated movies the user has not rated or hidden, for users with few or no ratings.
//
//   score(m) = number of ratings of m
//
// Ties go to the lower movie id. The user need not exist: then nothing is excluded.
// Parameters (Neo4j Browser example):
//   :param {user_id: 1, limit: 100, exclude_seen: true, candidate_ids: null}
OPTIONAL MATCH (u:User {user_id: $user_id})
MATCH (m:Movie)
WHERE $candidate_ids IS NULL OR m.movie_id IN $candidate_ids
WITH u, m, COUNT { (m)<-[:RATED]-() } AS rating_count
WHERE rating_count > 0
  AND NOT ($exclude_seen AND u IS NOT NULL AND EXISTS { (u)-[:RATED]->(m) })
  AND NOT (u IS NOT NULL AND EXISTS { (u)-[:NOT_INTERESTED]->(m) })
RETURN m.movie_id AS movie_id, toFloat(rating_count) AS score
ORDER BY score DESC, movie_id
LIMIT $limit;
