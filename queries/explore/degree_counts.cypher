// Degree distributions: for each node kind and degree, how many nodes have that degree.
// A user's degree is the number of movies they rated, a movie's the number of users who rated
// it, and a person's the number of ACTED_IN and DIRECTED links, so a person who acted in and
// directed one movie counts it twice. Nodes of degree 0 are included.
CALL () {
  MATCH (u:User)
  RETURN 'ratings per user' AS kind, COUNT { (u)-[:RATED]->() } AS degree
  UNION ALL
  MATCH (m:Movie)
  RETURN 'ratings per movie' AS kind, COUNT { (m)<-[:RATED]-() } AS degree
  UNION ALL
  MATCH (p:Person)
  RETURN 'links per person' AS kind, COUNT { (p)-[:ACTED_IN|DIRECTED]->() } AS degree
}
RETURN kind, degree, count(*) AS nodes
ORDER BY kind, degree;
