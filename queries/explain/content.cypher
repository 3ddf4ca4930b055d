// The genres, actors and directors behind one movie's content score, strongest first, with
// up to three of the user's liked movies that share each. A feature's contribution is its
// term in content.cypher: tf(f) * idf(f)^2 / sqrt(links(c)).
//   :param {user_id: 1, movie_id: 2, min_rating: 4.0, max_seeds: 50, limit: 10}
CALL () { MATCH (m:Movie) RETURN toFloat(count(m)) AS movie_count }
MATCH (u:User {user_id: $user_id})-[liked:RATED]->(seed:Movie)
WHERE liked.rating >= $min_rating
WITH movie_count, seed, liked
ORDER BY liked.rating DESC, liked.timestamp DESC, seed.movie_id
LIMIT $max_seeds
MATCH (candidate:Movie {movie_id: $movie_id})-[link:IN_GENRE|ACTED_IN|DIRECTED]-(feature)-[:IN_GENRE|ACTED_IN|DIRECTED]-(seed)
WHERE seed <> candidate
WITH movie_count, candidate, feature, type(link) AS role,
     collect(DISTINCT {movie_id: seed.movie_id, title: seed.title, rating: liked.rating}) AS seeds
WITH candidate, feature, role, seeds,
     (1 + log(size(seeds))) * log(movie_count / COUNT { (feature)-[:IN_GENRE|ACTED_IN|DIRECTED]-() }) ^ 2
       / sqrt(toFloat(COUNT { (candidate)-[:IN_GENRE|ACTED_IN|DIRECTED]-() })) AS contribution
RETURN CASE WHEN feature:Genre THEN 'genre' ELSE 'person' END AS kind,
       coalesce(feature.person_id, feature.name) AS feature_id, feature.name AS name, role,
       seeds[..3] AS seeds, contribution
ORDER BY contribution DESC, name
LIMIT $limit;
