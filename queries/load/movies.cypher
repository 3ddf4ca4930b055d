// Create or update movies and their genres from $rows:
// [{movie_id, title, year, genres: [name, ...], imdb_id, tmdb_id}].
// `genres` keeps the source's order, so an export can write the same `genres` field back.
UNWIND $rows AS row
MERGE (m:Movie {movie_id: row.movie_id})
SET m.title = row.title,
    m.year = row.year,
    m.genres = row.genres,
    m.imdb_id = row.imdb_id,
    m.tmdb_id = row.tmdb_id
WITH m, row
UNWIND row.genres AS genre_name
MERGE (g:Genre {name: genre_name})
MERGE (m)-[:IN_GENRE]->(g);
