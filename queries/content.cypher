// Content recommendations: movies that share genres, actors and directors with movies the user liked.
//
// Seeds are chosen as in collaborative.cypher. A feature f is a Genre, or a Person who acted in
// or directed the movie. Rare features count more than hubs such as the genre Drama:
//
//   idf(f)   = ln(N / df(f))     N = number of movies, df(f) = movies linked to f
//   score(c) = sum over features f of c:  idf(f) * (number of seeds linked to f)
//
// Parameters (Neo4j Browser example):
//   :param {user_id: 1, min_rating: 4.0, max_seeds: 50, limit: 100, exclude_seen: true, candidate_ids: null}
CALL () { MATCH (m:Movie) RETURN count(m) AS movie_count }
MATCH (u:User {user_id: $user_id})-[liked:RATED]->(seed:Movie)
WHERE liked.rating >= $min_rating
WITH movie_count, u, seed
ORDER BY liked.rating DESC, liked.timestamp DESC, seed.movie_id
LIMIT $max_seeds
MATCH (seed)-[:IN_GENRE|ACTED_IN|DIRECTED]-(feature)-[link:IN_GENRE|ACTED_IN|DIRECTED]-(candidate:Movie)
WHERE candidate <> seed
  AND ($candidate_ids IS NULL OR candidate.movie_id IN $candidate_ids)
WITH movie_count, u, candidate, feature, type(link) AS role, collect(DISTINCT seed) AS seeds
WHERE NOT ($exclude_seen AND EXISTS { (u)-[:RATED]->(candidate) })
WITH candidate, feature, role, seeds,
     log(toFloat(movie_count) / COUNT { MATCH (feature)-[:IN_GENRE|ACTED_IN|DIRECTED]-(m:Movie) RETURN DISTINCT m }) AS idf
WITH candidate, feature, role, seeds, idf * size(seeds) AS weight
ORDER BY weight DESC, feature.name
WITH candidate,
     sum(weight) AS score,
     collect({role: role, name: feature.name, seed_title: seeds[0].title, seed_count: size(seeds), weight: weight}) AS features
RETURN candidate.movie_id AS movie_id, score, features[..3] AS evidence
ORDER BY score DESC, movie_id
LIMIT $limit;
