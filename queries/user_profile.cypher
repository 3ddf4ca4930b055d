// Whether a user exists, how many movies they rated, whether precomputed SIMILAR weights
// exist, and the user's precomputed candidate lists while they still match the user's
// rating count and no live write changed them since (null otherwise, and then a request runs
// the live queries), and the movies the user hid, which the stored lists do not yet exclude.
//   :param {user_id: 1}
MATCH (u:User {user_id: $user_id})
WITH u, COUNT { (u)-[:RATED]->() } AS rating_count
RETURN u.user_id AS user_id,
       rating_count,
       EXISTS { MATCH (:Precompute {name: 'similar'}) } AS has_similarities,
       [(u)-[:NOT_INTERESTED]->(hidden:Movie) | hidden.movie_id] AS hidden_ids,
       CASE WHEN u.candidates_rating_count = rating_count THEN {
         collaborative: {ids: u.collaborative_ids, scores: u.collaborative_scores, evidence: u.collaborative_evidence},
         content: {ids: u.content_ids, scores: u.content_scores},
         popular: {ids: u.popular_ids, scores: u.popular_scores}
       } END AS candidates;
