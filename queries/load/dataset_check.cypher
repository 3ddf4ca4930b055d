// Return the names of the data sets that the graph contains and its number of movies.
// A load reads this before its first write, to keep two data sets out of one graph.
OPTIONAL MATCH (d:Dataset)
WITH collect(d.name) AS datasets
RETURN datasets, COUNT { (:Movie) } AS movies;
