// Every rating with its value and time, the input of the per-user candidate lists.
//   :param {}
MATCH (u:User)-[r:RATED]->(m:Movie)
RETURN u.user_id AS user_id, m.movie_id AS movie_id, r.rating AS rating, r.timestamp AS timestamp;
