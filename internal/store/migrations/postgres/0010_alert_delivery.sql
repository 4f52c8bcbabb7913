-- Alerts (T9) are delivered through the outbox (kinds run_alert and
-- webhook, ref = the team id), written in the transaction that ends the
-- run. run_events recorded events that nothing delivered; they are
-- dropped rather than sent late for runs that ended long ago.
DROP TABLE IF EXISTS run_events;
