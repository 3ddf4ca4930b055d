// Movies that share genres, actors and directors with one movie, rare features counting more:
//
//   idf(f)   = ln(N / df(f))     N = number of movies, df(f) = movies linked to f
//   score(c) = sum over features f shared by the movie and c of idf(f)
//
// Parameters (Neo4j Browser example):
//   :param {movie_id: 6, limit: 100}
CALL () { MATCH (m:Movie) RETURN count(m) AS movie_count }
MATCH (seed:Movie {movie_id: $movie_id})-[:IN_GENRE|ACTED_IN|DIRECTED]-(feature)-[link:IN_GENRE|ACTED_IN|DIRECTED]-(candidate:Movie)
WHERE candidate <> seed
WITH DISTINCT movie_count, seed, candidate, feature, type(link) AS role
WITH seed, candidate, feature, role,
     log(toFloat(movie_count) / COUNT { MATCH (feature)-[:IN_GENRE|ACTED_IN|DIRECTED]-(m:Movie) RETURN DISTINCT m }) AS weight
ORDER BY weight DESC, feature.name
WITH candidate, seed,
     sum(weight) AS score,
     collect({role: role, name: feature.name, seed_title: seed.title, seed_count: 1, weight: weight}) AS features
RETURN candidate.movie_id AS movie_id, score, features[..3] AS evidence
ORDER BY score DESC, movie_id
LIMIT $limit;
