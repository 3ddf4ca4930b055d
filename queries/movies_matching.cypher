// Ids of the movies in a genre (any letter case) and a range of years; a null parameter does not filter.
//   :param {genre: 'Comedy', year_min: 1990, year_max: 1999}
MATCH (m:Movie)
WHERE ($genre IS NULL OR EXISTS { MATCH (m)-[:IN_GENRE]->(g:Genre) WHERE toLower(g.name) = toLower($genre) })
  AND ($year_min IS NULL OR m.year >= $year_min)
  AND ($year_max IS NULL OR m.year <= $year_max)
RETURN m.movie_id AS movie_id;
