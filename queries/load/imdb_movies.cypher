// Store IMDb's running time of each linked movie from $rows: [{movie_id, runtime_minutes}],
// taken from title.basics. runtime_minutes is null when IMDb has none.
//   :param {rows: [{movie_id: 1, runtime_minutes: 81}]}
UNWIND $rows AS row
MATCH (m:Movie {movie_id: row.movie_id})
SET m.runtime_minutes = row.runtime_minutes;
