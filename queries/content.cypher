// Content recommendations: movies that share genres, actors and directors with movies the user liked.
//
// Seeds are chosen as in collaborative.cypher. A feature f is a Genre, or a Person who acted in
// or directed the movie. The user's profile gives each feature of the seeds a weight, and a
// candidate adds up the weights of its features:
//
//   idf(f)   = ln(N / df(f))     N = number of movies, df(f) = links from f to movies
//   tf(f)    = 1 + ln(n(f))      n(f) = seeds linked to f
//   score(c) = sum over features f of c of  tf(f) * idf(f)^2  /  sqrt(links(c))
//
// links(c) counts c's genre, actor and director links. Rare features count far more than hubs
// such as the genre Drama. The logarithm in tf keeps a genre shared with many seeds from
// outweighing a shared director, and the division keeps a movie with many genres from winning
// by their number. It uses the plain link count, not the idf length of a cosine, because that
// length would favour movies without cast data.
// content_reasons.cypher lists the shared features behind a movie.
//
// Parameters (Neo4j Browser example):
//   :param {user_id: 1, min_rating: 4.0, max_seeds: 50, limit: 100, exclude_seen: true, candidate_ids: null}
CALL () { MATCH (m:Movie) RETURN toFloat(count(m)) AS movie_count }
MATCH (u:User {user_id: $user_id})-[liked:RATED]->(seed:Movie)
WHERE liked.rating >= $min_rating
WITH movie_count, u, seed
ORDER BY liked.rating DESC, liked.timestamp DESC, seed.movie_id
LIMIT $max_seeds
MATCH (seed)-[:IN_GENRE|ACTED_IN|DIRECTED]-(feature)
WITH movie_count, u, feature, count(DISTINCT seed) AS seed_count
WITH movie_count, u, feature,
     (1 + log(seed_count)) * log(movie_count / COUNT { (feature)-[:IN_GENRE|ACTED_IN|DIRECTED]-() }) ^ 2 AS profile_weight
MATCH (feature)-[:IN_GENRE|ACTED_IN|DIRECTED]-(candidate:Movie)
WHERE $candidate_ids IS NULL OR candidate.movie_id IN $candidate_ids
WITH u, candidate, sum(profile_weight) AS dot
WHERE NOT ($exclude_seen AND EXISTS { (u)-[:RATED]->(candidate) })
  AND NOT EXISTS { (u)-[:NOT_INTERESTED]->(candidate) }
WITH candidate, dot / sqrt(toFloat(COUNT { (candidate)-[:IN_GENRE|ACTED_IN|DIRECTED]-() })) AS score
RETURN candidate.movie_id AS movie_id, score
ORDER BY score DESC, movie_id
LIMIT $limit;
