// Return whether the graph has any person loaded from IMDb files, whose person_id is 'imdb:'
// followed by the nconst. Without one, no person of the cast-and-crew file needs merging.
RETURN EXISTS { MATCH (p:Person) WHERE p.person_id STARTS WITH 'imdb:' } AS present;
