// Create or replace ratings from the parallel lists $user_ids, $movie_ids, $ratings and
// $timestamps, one rating per index. The driver packs four lists of numbers faster than one
// map per row. The users and movies exist already: the loader writes the users first and drops
// ratings of movies that are not in the graph.
UNWIND range(0, size($user_ids) - 1) AS i
MATCH (u:User {user_id: $user_ids[i]})
MATCH (m:Movie {movie_id: $movie_ids[i]})
MERGE (u)-[r:RATED]->(m)
SET r.rating = $ratings[i],
    r.timestamp = $timestamps[i];
