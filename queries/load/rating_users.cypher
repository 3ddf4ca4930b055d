// Create the users of $user_ids that do not exist yet, before their ratings are written.
UNWIND $user_ids AS user_id
MERGE (:User {user_id: user_id});
