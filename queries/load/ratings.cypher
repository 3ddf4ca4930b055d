// Create or replace ratings from $rows: [{user_id, movie_id, rating, timestamp}].
// The loader has already dropped rows whose movie is not in the graph.
UNWIND $rows AS row
MATCH (m:Movie {movie_id: row.movie_id})
MERGE (u:User {user_id: row.user_id})
MERGE (u)-[r:RATED]->(m)
SET r.rating = row.rating,
    r.timestamp = row.timestamp;
