// Store each movie's rating count and mean rating from $rows: [{movie_id, rating_count, mean_rating}],
// so popular reasons read two properties instead of every rating.
UNWIND $rows AS row
MATCH (m:Movie {movie_id: row.movie_id})
SET m.rating_count = row.rating_count,
    m.mean_rating = row.mean_rating;
