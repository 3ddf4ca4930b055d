// Return whether the graph has any RATED relationship. Without one, a load may CREATE ratings
// (load/ratings_create) instead of merging them.
RETURN EXISTS { ()-[:RATED]->() } AS present;
