-- The number of users holding a license seat (O13: invited and active) in
-- each organization, kept by every transaction that adds, removes,
-- deactivates or reactivates one (store.Tx.AddSeatHolders) and written
-- once, just before commit, so that a seat limit is enforced by one
-- conditional UPDATE instead of an organization lock held for the whole
-- transaction (docs/write-scaling.md). The count is the sum of 16 shards:
-- with no seat limit, a transaction adds to a shard of its own choosing,
-- so concurrent creates rarely meet on one row; under a limit every
-- addition goes to shard 0, whose conditional UPDATE serializes them.
-- Recomputed here from the users themselves, all in shard 0.
CREATE TABLE seat_counts (
    org_id TEXT NOT NULL REFERENCES organizations(id),
    shard  INTEGER NOT NULL,
    used   INTEGER NOT NULL,
    PRIMARY KEY (org_id, shard)
);
INSERT INTO seat_counts (org_id, shard, used)
    SELECT o.id, s.n, CASE WHEN s.n = 0 THEN
        (SELECT COUNT(*) FROM users u WHERE u.org_id = o.id AND u.status IN ('invited', 'active')) ELSE 0 END
    FROM organizations o
    CROSS JOIN (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4
        UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8 UNION ALL SELECT 9
        UNION ALL SELECT 10 UNION ALL SELECT 11 UNION ALL SELECT 12 UNION ALL SELECT 13 UNION ALL SELECT 14
        UNION ALL SELECT 15) s;
