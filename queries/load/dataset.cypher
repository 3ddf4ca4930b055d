// Record that the graph contains the data set $name, for example 'ml-latest' or 'ml-100k'.
MERGE (:Dataset {name: $name});
