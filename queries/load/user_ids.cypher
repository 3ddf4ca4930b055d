// Create the users of $rows: [{user_id}] that do not exist yet. users.csv lists users this way,
// so that users without ratings or tags survive an export and a new load.
UNWIND $rows AS row
MERGE (:User {user_id: row.user_id});
