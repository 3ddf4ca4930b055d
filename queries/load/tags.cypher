// Create tags from $rows: [{user_id, movie_id, tag, timestamp}]; one TAGGED relationship per distinct tag.
UNWIND $rows AS row
MATCH (m:Movie {movie_id: row.movie_id})
MERGE (u:User {user_id: row.user_id})
MERGE (u)-[t:TAGGED {tag: row.tag}]->(m)
SET t.timestamp = row.timestamp;
