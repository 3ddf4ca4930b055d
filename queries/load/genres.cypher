// Create genres from $rows: [{name}], so that a genre without movies exists too.
UNWIND $rows AS row
MERGE (:Genre {name: row.name});
