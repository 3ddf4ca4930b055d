// Record how and when the SIMILAR relationships were computed, on one Precompute node.
//   :param {method: 'ease', l2: 300.0, neighbours: 100, movies: 1682, computed_at: datetime()}
MERGE (p:Precompute {name: 'similar'})
SET p.method = $method, p.l2 = $l2, p.neighbours = $neighbours, p.movies = $movies, p.computed_at = $computed_at
RETURN p.name AS name;
