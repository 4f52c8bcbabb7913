-- The instance license's seat pool (issue #18): how many seats the
-- organizations governed by the instance license hold together, that is
-- every organization that is not deleted and has no license of its own.
-- Which ones those are depends on the LICENSE setting, so the service
-- recounts the pool from seat_counts when it starts
-- (store.Tx.RecountInstanceSeats); meanwhile every seat change of a
-- governed organization changes it in the same transaction. Sharded like
-- seat_counts (migration 0014): a limited addition is a conditional
-- UPDATE of shard 0 checking the sum, anything else goes to a random
-- shard. Counted here as every organization's seats.
CREATE TABLE instance_seats (
    shard INTEGER PRIMARY KEY,
    used  INTEGER NOT NULL
);
INSERT INTO instance_seats (shard, used)
    SELECT s.n, CASE WHEN s.n = 0 THEN (SELECT COALESCE(SUM(c.used), 0) FROM seat_counts c
        JOIN organizations o ON o.id = c.org_id WHERE o.status <> 'deleted') ELSE 0 END
    FROM (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
        UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9
        UNION ALL SELECT 10 UNION ALL SELECT 11 UNION ALL SELECT 12 UNION ALL SELECT 13 UNION ALL SELECT 14
        UNION ALL SELECT 15) s;
