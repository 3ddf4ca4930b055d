// Create or update IMDb people from $rows: [{person_id, name, birth_year, death_year}], taken
// from name.basics. person_id is 'imdb:' followed by the nconst, and a year is null when IMDb
// has none.
//   :param {rows: [{person_id: 'imdb:nm0000158', name: 'Tom Hanks', birth_year: 1956, death_year: null}]}
UNWIND $rows AS row
MERGE (p:Person {person_id: row.person_id})
SET p.name = row.name,
    p.birth_year = row.birth_year,
    p.death_year = row.death_year;
