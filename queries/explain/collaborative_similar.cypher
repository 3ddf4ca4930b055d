// The rated movies whose precomputed SIMILAR weights add up to one movie's collaborative
// score, strongest first. Each weight is that rated movie's term in collaborative_precomputed.cypher.
//   :param {user_id: 1, movie_id: 2, limit: 10}
MATCH (:User {user_id: $user_id})-[r:RATED]->(rated:Movie)-[s:SIMILAR]->(:Movie {movie_id: $movie_id})
RETURN rated.movie_id AS movie_id, rated.title AS title, r.rating AS rating, s.weight AS contribution
ORDER BY contribution DESC, movie_id
LIMIT $limit;
