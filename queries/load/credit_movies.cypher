// Store the cast file's own movie fields, as given, from $rows: [{movie_id, released, imdb_rating}].
UNWIND $rows AS row
MATCH (m:Movie {movie_id: row.movie_id})
SET m.released = row.released,
    m.imdb_rating = row.imdb_rating;
