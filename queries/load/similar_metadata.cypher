// Record how and when the SIMILAR relationships were computed, on one Precompute node.
//   :param {method: 'ease', l2: 500.0, neighbours: 400, popularity_exponent: 0.2, movies: 1682, ratings: 75066, computed_at: datetime()}
MERGE (p:Precompute {name: 'similar'})
SET p.method = $method, p.l2 = $l2, p.neighbours = $neighbours, p.popularity_exponent = $popularity_exponent,
    p.movies = $movies, p.ratings = $ratings, p.computed_at = $computed_at
RETURN p.name AS name;
