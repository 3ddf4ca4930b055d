// The liked movies behind one movie's live collaborative score, strongest first. Seeds are
// chosen as in collaborative.cypher, and each seed s adds its term of that score:
//   co(s, c) / sqrt(likes(s) * likes(c))
// where co(s, c) counts the other users who liked both.
//   :param {user_id: 1, movie_id: 2, min_rating: 4.0, max_seeds: 50, limit: 10}
MATCH (u:User {user_id: $user_id})-[liked:RATED]->(seed:Movie)
WHERE liked.rating >= $min_rating
WITH u, seed, liked
ORDER BY liked.rating DESC, liked.timestamp DESC, seed.movie_id
LIMIT $max_seeds
MATCH (candidate:Movie {movie_id: $movie_id})
WITH u, seed, liked, candidate,
     COUNT {
       MATCH (seed)<-[r1:RATED]-(other:User)-[r2:RATED]->(candidate)
       WHERE other <> u AND r1.rating >= $min_rating AND r2.rating >= $min_rating
     } AS co_raters
WHERE co_raters > 0
WITH seed, liked, co_raters,
     COUNT { (seed)<-[r:RATED]-() WHERE r.rating >= $min_rating } AS seed_likes,
     COUNT { (candidate)<-[r:RATED]-() WHERE r.rating >= $min_rating } AS candidate_likes
RETURN seed.movie_id AS movie_id, seed.title AS title, liked.rating AS rating, co_raters,
       co_raters / sqrt(toFloat(seed_likes * candidate_likes)) AS contribution
ORDER BY contribution DESC, movie_id
LIMIT $limit;
