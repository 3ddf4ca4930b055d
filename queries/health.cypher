// A trivial read that shows the database answers.
RETURN 1 AS ok;
