// Every (user, movie) rating pair, the input of the item-to-item precompute.
//   :param {}
MATCH (u:User)-[r:RATED]->(m:Movie)
RETURN u.user_id AS user_id, m.movie_id AS movie_id;
