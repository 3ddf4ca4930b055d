// Delete every RATED relationship in batches, so an evaluation can load the next training part.
// It commits in batches, so it needs an auto-commit transaction (in Browser: prefix :auto).
MATCH ()-[r:RATED]->()
CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS;
