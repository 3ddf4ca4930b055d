// Count nodes and relationships of each kind in the movie graph.
CALL () { MATCH (u:User) RETURN count(u) AS users }
CALL () { MATCH (m:Movie) RETURN count(m) AS movies }
CALL () { MATCH (g:Genre) RETURN count(g) AS genres }
CALL () { MATCH (p:Person) RETURN count(p) AS people }
CALL () { MATCH ()-[r:RATED]->() RETURN count(r) AS ratings }
CALL () { MATCH ()-[t:TAGGED]->() RETURN count(t) AS tags }
CALL () { MATCH ()-[r:IN_GENRE]->() RETURN count(r) AS in_genre }
CALL () { MATCH ()-[r:ACTED_IN]->() RETURN count(r) AS acted_in }
CALL () { MATCH ()-[r:DIRECTED]->() RETURN count(r) AS directed }
RETURN users, movies, genres, people, ratings, tags, in_genre, acted_in, directed;
