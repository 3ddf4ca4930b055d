// Count the ratings of each value on the MovieLens scale (0.5 to 5.0 in steps of 0.5), lowest first.
MATCH ()-[r:RATED]->()
RETURN r.rating AS rating, count(r) AS ratings
ORDER BY rating;
