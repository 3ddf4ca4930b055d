// Movies liked by the same people as one movie, by the cosine similarity of their "liked by" sets:
//
//   score(c) = co(s, c) / sqrt(likes(s) * likes(c))
//
// co(s, c) counts users who liked (rating >= $min_rating) both s and c; likes(x) counts users who liked x.
// Parameters (Neo4j Browser example):
//   :param {movie_id: 6, min_rating: 4.0, limit: 100}
MATCH (seed:Movie {movie_id: $movie_id})
WITH seed, COUNT { (seed)<-[r:RATED]-() WHERE r.rating >= $min_rating } AS seed_likes
MATCH (seed)<-[r1:RATED]-(other:User)-[r2:RATED]->(candidate:Movie)
WHERE candidate <> seed AND r1.rating >= $min_rating AND r2.rating >= $min_rating
WITH seed, seed_likes, candidate, count(other) AS co_likes
WITH seed, candidate, co_likes,
     co_likes / sqrt(toFloat(seed_likes) * COUNT { (candidate)<-[r:RATED]-() WHERE r.rating >= $min_rating }) AS score
RETURN candidate.movie_id AS movie_id, score,
       [{movie_id: seed.movie_id, title: seed.title, co_likes: co_likes, similarity: score}] AS evidence
ORDER BY score DESC, movie_id
LIMIT $limit;
