// Store each user's precomputed candidate lists from $rows, one list pair per strategy:
// [{user_id, rating_count, collaborative_ids, collaborative_scores, collaborative_evidence,
//   content_ids, content_scores, popular_ids, popular_scores}].
// collaborative_evidence holds, for each collaborative candidate in order, the ids of the
// rated movies whose weights add most to it, padded with -1. rating_count records how many
// ratings the lists were computed from, so a request can tell whether they still hold.
// A user who rated through the API after $read_at, when precompute read the ratings, keeps
// the live queries until the next precompute.
UNWIND $rows AS row
MATCH (u:User {user_id: row.user_id})
WHERE u.ratings_changed_at IS NULL OR u.ratings_changed_at < $read_at
SET u.candidates_rating_count = row.rating_count,
    u.collaborative_ids = row.collaborative_ids,
    u.collaborative_scores = row.collaborative_scores,
    u.collaborative_evidence = row.collaborative_evidence,
    u.content_ids = row.content_ids,
    u.content_scores = row.content_scores,
    u.popular_ids = row.popular_ids,
    u.popular_scores = row.popular_scores;
