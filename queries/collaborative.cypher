// Collaborative recommendations: item-to-item paths through people with the same taste.
//
// Seeds are the movies the user liked (rating >= $min_rating), at most $max_seeds of them,
// highest rated and most recent first. For every movie c the user has not rated:
//
//   score(c) = sum over seeds s of  co(s, c) / sqrt(likes(s) * likes(c))
//
// co(s, c) counts the other users who liked both s and c, and likes(x) counts all users who
// liked x. Each term is the cosine similarity of the two movies' "liked by" sets, so a movie
// that everybody likes gains nothing from its degree alone.
//
// The query sums per co-rater first: a co-rater o carries w(o) = sum of 1 / sqrt(likes(s)) over
// the seeds o liked, and score(c) = sum of w(o) over the co-raters who liked c, divided by
// sqrt(likes(c)). That is the same sum, but each co-rater's movies are expanded once instead of
// once per seed. collaborative_reasons.cypher finds the seeds behind a given movie.
//
// Parameters (Neo4j Browser example):
//   :param {user_id: 1, min_rating: 4.0, max_seeds: 50, limit: 100, exclude_seen: true, candidate_ids: null}
// candidate_ids, when a list, restricts the candidates to those movie ids.
MATCH (u:User {user_id: $user_id})-[liked:RATED]->(seed:Movie)
WHERE liked.rating >= $min_rating
WITH u, seed
ORDER BY liked.rating DESC, liked.timestamp DESC, seed.movie_id
LIMIT $max_seeds
WITH u, seed, 1.0 / sqrt(COUNT { (seed)<-[r:RATED]-() WHERE r.rating >= $min_rating }) AS seed_weight
MATCH (seed)<-[r1:RATED]-(other:User)
WHERE other <> u AND r1.rating >= $min_rating
WITH u, other, sum(seed_weight) AS other_weight
MATCH (other)-[r2:RATED]->(candidate:Movie)
WHERE r2.rating >= $min_rating
  AND ($candidate_ids IS NULL OR candidate.movie_id IN $candidate_ids)
WITH u, candidate, sum(other_weight) AS weight
WHERE NOT ($exclude_seen AND EXISTS { (u)-[:RATED]->(candidate) })
  AND NOT EXISTS { (u)-[:NOT_INTERESTED]->(candidate) }
WITH candidate, weight / sqrt(COUNT { (candidate)<-[r:RATED]-() WHERE r.rating >= $min_rating }) AS score
RETURN candidate.movie_id AS movie_id, score
ORDER BY score DESC, movie_id
LIMIT $limit;
