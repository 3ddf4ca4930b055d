// Hide a movie from a user's recommendations, creating the user when new; no row comes back
// when the movie is missing. The recommendation queries skip NOT_INTERESTED movies.
//   :param {user_id: 1, movie_id: 1}
MATCH (m:Movie {movie_id: $movie_id})
MERGE (u:User {user_id: $user_id})
MERGE (u)-[n:NOT_INTERESTED]->(m)
ON CREATE SET n.at = datetime()
RETURN m.movie_id AS movie_id;
