// Movies that share genres, actors and directors with one movie, as in content.cypher with the
// movie as the only seed:
//
//   idf(f)   = ln(N / df(f))     N = number of movies, df(f) = links from f to movies
//   score(c) = sum over features f shared by the movie and c of idf(f)^2  /  sqrt(links(c))
//
// links(c) counts c's genre, actor and director links.
//
// Parameters (Neo4j Browser example):
//   :param {movie_id: 6, limit: 100, evidence_limit: 3}
CALL () { MATCH (m:Movie) RETURN toFloat(count(m)) AS movie_count }
MATCH (seed:Movie {movie_id: $movie_id})-[:IN_GENRE|ACTED_IN|DIRECTED]-(feature)
WITH DISTINCT movie_count, seed, feature
WITH seed, feature, log(movie_count / COUNT { (feature)-[:IN_GENRE|ACTED_IN|DIRECTED]-() }) ^ 2 AS weight
MATCH (feature)-[link:IN_GENRE|ACTED_IN|DIRECTED]-(candidate:Movie)
WHERE candidate <> seed
WITH seed, candidate, feature, type(link) AS role, weight
ORDER BY weight DESC, feature.name
WITH candidate, sum(weight) AS dot,
     collect({role: role, name: feature.name, seed_title: seed.title, seed_count: 1, weight: weight}) AS features
RETURN candidate.movie_id AS movie_id,
       dot / sqrt(toFloat(COUNT { (candidate)-[:IN_GENRE|ACTED_IN|DIRECTED]-() })) AS score,
       features[..$evidence_limit] AS evidence
ORDER BY score DESC, movie_id
LIMIT $limit;
