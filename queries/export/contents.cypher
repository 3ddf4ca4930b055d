// Return what an export would write: the graph's data sets, how many movies, users, ratings and
// tags it has, and whether any movie has cast-and-crew data.
//   :param {}
OPTIONAL MATCH (d:Dataset)
WITH collect(d.name) AS datasets
RETURN datasets,
       COUNT { (:Movie) } AS movies,
       COUNT { (:User) } AS users,
       COUNT { ()-[:RATED]->() } AS ratings,
       COUNT { ()-[:TAGGED]->() } AS tags,
       EXISTS {
         MATCH (m:Movie)
         WHERE m.released IS NOT NULL OR m.imdb_rating IS NOT NULL OR EXISTS { (m)<-[:ACTED_IN|DIRECTED]-(:Person) }
       } AS has_credits;
