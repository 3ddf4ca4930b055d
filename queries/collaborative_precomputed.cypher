// Collaborative recommendations from precomputed item-to-item weights (SIMILAR relationships
// written by `python -m graph_rec precompute`):
//
//   score(c) = sum over movies i the user rated of  weight(i -> c)
//
// With EASE weights this is the EASE prediction for the user's binary rating row (Steck,
// "Embarrassingly Shallow Autoencoders for Sparse Data", WWW 2019), cut to each movie's top
// neighbours. A request reads the user's ratings and their neighbours, nothing more.
// NOTE: that is ratings x neighbours paths: about 1 million for the heaviest ml-latest-small
// user (2,698 ratings, 400 neighbours), which took 1.3 s here, against 0.26 s for user 1.
//
// Parameters (Neo4j Browser example):
//   :param {user_id: 1, limit: 100, exclude_seen: true, candidate_ids: null}
MATCH (u:User {user_id: $user_id})-[:RATED]->(rated:Movie)-[s:SIMILAR]->(candidate:Movie)
WHERE $candidate_ids IS NULL OR candidate.movie_id IN $candidate_ids
WITH u, candidate, sum(s.weight) AS score
WHERE NOT ($exclude_seen AND EXISTS { (u)-[:RATED]->(candidate) })
  AND NOT EXISTS { (u)-[:NOT_INTERESTED]->(candidate) }
RETURN candidate.movie_id AS movie_id, score
ORDER BY score DESC, movie_id
LIMIT $limit;
