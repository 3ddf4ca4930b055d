// Movies whose title matches a Lucene query in the movie_titles full-text index, best match
// first, then shorter titles. graph_rec.search builds the query from the words a person typed.
//   :param {query: 'toy* AND story*', limit: 10}
CALL db.index.fulltext.queryNodes('movie_titles', $query) YIELD node, score
RETURN node.movie_id AS movie_id, node.title AS title, node.year AS year, node.genres AS genres, score
ORDER BY score DESC, size(node.title), movie_id
LIMIT $limit;
