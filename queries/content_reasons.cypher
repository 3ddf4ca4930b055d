// The features shared with the user's seed movies behind the content score of each movie in
// $movie_ids, strongest first. Seeds and idf(f) are as in content.cypher; a feature's weight is
// tf(f) * idf(f)^2, its term in the score before the division by sqrt(links(c)).
// The query walks out from the seeds and then checks each candidate's link to those features,
// so it never expands a genre to all of its movies.
//
// Parameters (Neo4j Browser example):
//   :param {user_id: 1, movie_ids: [858, 1221], min_rating: 4.0, max_seeds: 50, evidence_limit: 3}
CALL () { MATCH (m:Movie) RETURN toFloat(count(m)) AS movie_count }
MATCH (u:User {user_id: $user_id})-[liked:RATED]->(seed:Movie)
WHERE liked.rating >= $min_rating
WITH movie_count, seed, liked
ORDER BY liked.rating DESC, liked.timestamp DESC, seed.movie_id
LIMIT $max_seeds
MATCH (seed)-[:IN_GENRE|ACTED_IN|DIRECTED]-(feature)
WITH movie_count, feature, collect(DISTINCT seed) AS seeds
UNWIND $movie_ids AS movie_id
MATCH (candidate:Movie {movie_id: movie_id})
MATCH (candidate)-[link:IN_GENRE|ACTED_IN|DIRECTED]-(feature)
WITH movie_count, candidate, feature, type(link) AS role, [seed IN seeds WHERE seed <> candidate] AS shared
WHERE size(shared) > 0
WITH candidate, feature, role, shared,
     (1 + log(size(shared))) * log(movie_count / COUNT { (feature)-[:IN_GENRE|ACTED_IN|DIRECTED]-() }) ^ 2 AS weight
ORDER BY weight DESC, feature.name
WITH candidate, collect({role: role, name: feature.name, seed_title: shared[0].title, seed_count: size(shared), weight: weight}) AS features
RETURN candidate.movie_id AS movie_id, features[..$evidence_limit] AS evidence;
