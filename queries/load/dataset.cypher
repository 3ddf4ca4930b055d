// Record that the graph contains the data set $dataset, for example 'ml-latest' or 'ml-100k'.
MERGE (:Dataset {name: $dataset});
