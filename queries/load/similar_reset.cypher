// Start a precompute: drop the metadata, so serving falls back to live paths until the new
// weights are complete, and delete the SIMILAR relationships of movies that are no longer
// rated ($movie_ids lists the movies that are), which the new weights would not replace.
//   :param {movie_ids: [1, 2, 3]}
OPTIONAL MATCH (p:Precompute {name: 'similar'})
DELETE p
WITH count(*) AS ignored
MATCH (m:Movie)-[s:SIMILAR]->()
WHERE NOT m.movie_id IN $movie_ids
DELETE s;
