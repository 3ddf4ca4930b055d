// The user's seed movies behind the collaborative score of each movie in $movie_ids, strongest first.
//
// Seeds are chosen as in collaborative.cypher. For a seed s and a movie c, similarity(s, c) is
// co(s, c) / sqrt(likes(s) * likes(c)), the term that s adds to score(c) there.
//
// Parameters (Neo4j Browser example):
//   :param {user_id: 1, movie_ids: [858, 1221], min_rating: 4.0, max_seeds: 50, evidence_limit: 3}
MATCH (u:User {user_id: $user_id})-[liked:RATED]->(seed:Movie)
WHERE liked.rating >= $min_rating
WITH u, seed
ORDER BY liked.rating DESC, liked.timestamp DESC, seed.movie_id
LIMIT $max_seeds
WITH u, collect(seed) AS seeds
UNWIND $movie_ids AS movie_id
MATCH (candidate:Movie {movie_id: movie_id})<-[r2:RATED]-(other:User)-[r1:RATED]->(seed:Movie)
WHERE other <> u AND r2.rating >= $min_rating AND r1.rating >= $min_rating AND seed IN seeds
WITH candidate, seed, count(other) AS co_likes
WITH candidate, seed, co_likes,
     co_likes / sqrt(toFloat(COUNT { (seed)<-[r:RATED]-() WHERE r.rating >= $min_rating })
                     * COUNT { (candidate)<-[r:RATED]-() WHERE r.rating >= $min_rating }) AS similarity
ORDER BY similarity DESC, seed.movie_id
WITH candidate, collect({movie_id: seed.movie_id, title: seed.title, co_likes: co_likes, similarity: similarity}) AS seeds
RETURN candidate.movie_id AS movie_id, seeds[..$evidence_limit] AS evidence;
