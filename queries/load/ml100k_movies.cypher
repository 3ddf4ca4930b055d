// Create or update ml-100k movies and their genres from $rows: [{movie_id, title, year,
// genres: [name, ...], unknown_genre, release_date, video_release_date, imdb_url}].
// Text fields are stored as u.item gives them, with null for an empty field. `genres` follows
// the order of u.genre without "unknown", whose flag is kept in `unknown_genre`.
UNWIND $rows AS row
MERGE (m:Movie {movie_id: row.movie_id})
SET m.title = row.title,
    m.year = row.year,
    m.genres = row.genres,
    m.unknown_genre = row.unknown_genre,
    m.release_date = row.release_date,
    m.video_release_date = row.video_release_date,
    m.imdb_url = row.imdb_url
WITH m, row
UNWIND row.genres AS genre_name
MERGE (g:Genre {name: genre_name})
MERGE (m)-[:IN_GENRE]->(g);
