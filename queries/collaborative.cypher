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
// Parameters (Neo4j Browser example):
//   :param {user_id: 1, min_rating: 4.0, max_seeds: 50, limit: 100, exclude_seen: true, candidate_ids: null}
// candidate_ids, when a list, restricts the candidates to those movie ids.
MATCH (u:User {user_id: $user_id})-[liked:RATED]->(seed:Movie)
WHERE liked.rating >= $min_rating
WITH u, seed
ORDER BY liked.rating DESC, liked.timestamp DESC, seed.movie_id
LIMIT $max_seeds
WITH u, seed, COUNT { (seed)<-[r:RATED]-() WHERE r.rating >= $min_rating } AS seed_likes
MATCH (seed)<-[r1:RATED]-(other:User)-[r2:RATED]->(candidate:Movie)
WHERE other <> u AND candidate <> seed
  AND r1.rating >= $min_rating AND r2.rating >= $min_rating
  AND ($candidate_ids IS NULL OR candidate.movie_id IN $candidate_ids)
WITH u, seed, seed_likes, candidate, count(other) AS co_likes
WHERE NOT ($exclude_seen AND EXISTS { (u)-[:RATED]->(candidate) })
WITH seed, seed_likes, candidate, co_likes,
     COUNT { (candidate)<-[r:RATED]-() WHERE r.rating >= $min_rating } AS candidate_likes
WITH candidate, seed, co_likes, co_likes / sqrt(toFloat(seed_likes) * candidate_likes) AS similarity
ORDER BY similarity DESC, seed.movie_id
WITH candidate,
     sum(similarity) AS score,
     collect({movie_id: seed.movie_id, title: seed.title, co_likes: co_likes, similarity: similarity}) AS seeds
RETURN candidate.movie_id AS movie_id, score, seeds[..3] AS evidence
ORDER BY score DESC, movie_id
LIMIT $limit;
