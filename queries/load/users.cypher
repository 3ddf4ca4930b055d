// Create or update users with their demographics from $rows: [{user_id, age, gender, occupation, zip}].
// zip is text, because some are Canadian postal codes such as 'T8H1N'.
UNWIND $rows AS row
MERGE (u:User {user_id: row.user_id})
SET u.age = row.age,
    u.gender = row.gender,
    u.occupation = row.occupation,
    u.zip = row.zip;
