// Named uniqueness constraints, created before any load. Each also backs the index that
// MERGE and the recommendation queries use to find a node by its key.
CREATE CONSTRAINT user_id IF NOT EXISTS FOR (u:User) REQUIRE u.user_id IS UNIQUE;
CREATE CONSTRAINT movie_id IF NOT EXISTS FOR (m:Movie) REQUIRE m.movie_id IS UNIQUE;
CREATE CONSTRAINT genre_name IF NOT EXISTS FOR (g:Genre) REQUIRE g.name IS UNIQUE;
CREATE CONSTRAINT person_id IF NOT EXISTS FOR (p:Person) REQUIRE p.person_id IS UNIQUE;
// Lets /health and precompute count the users whose ratings changed since the last precompute.
CREATE INDEX user_ratings_changed IF NOT EXISTS FOR (u:User) ON (u.ratings_changed_at);
// Title search for GET /movies?q=; the folding analyzer matches "Amelie" to "Amélie".
CREATE FULLTEXT INDEX movie_titles IF NOT EXISTS FOR (m:Movie) ON EACH [m.title]
OPTIONS {indexConfig: {`fulltext.analyzer`: 'standard-folding'}};
