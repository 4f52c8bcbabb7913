-- Failed credential checks and known sign-in devices, kept in the database
-- so that every Roster process sharing it enforces the same limits (D1, D5).
-- Times are Unix microseconds (UTC).
--
-- One row per limited key (an account, an account at an address, an
-- address, a device token): a failure budget kept as its theoretical
-- arrival time (GCRA), the moment the budget is whole again. A row whose
-- tat has passed remembers nothing and is deleted. locked_at is when the
-- key ran out of budget in its current run of failures (0 while it has
-- some left), so that a lockout is audited once.
CREATE TABLE auth_failures (
    key       TEXT PRIMARY KEY,
    user_id   TEXT REFERENCES users(id) ON DELETE CASCADE,
    tat       BIGINT NOT NULL,
    locked_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX auth_failures_user ON auth_failures (user_id);
CREATE INDEX auth_failures_tat ON auth_failures (tat);

-- Devices that signed in successfully: the OWASP device cookie, stored as
-- the SHA-256 of its random token and bound to one user. Sign-ins from a
-- known device are limited per device, never by other people's failures.
CREATE TABLE login_devices (
    token_hash TEXT PRIMARY KEY,
    user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
CREATE INDEX login_devices_user ON login_devices (user_id);
CREATE INDEX login_devices_expires ON login_devices (expires_at);
