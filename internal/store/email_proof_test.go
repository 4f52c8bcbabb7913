package store_test

import (
	"context"
	"strings"
	"testing"

	"roster"
	"roster/internal/store"
	"roster/internal/store/storetest"
)

// TestMigrationBackfillsEmailProof runs migration 0007 on a database made
// by the version before it and checks which accounts count as proven.
func TestMigrationBackfillsEmailProof(t *testing.T) {
	db := storetest.MustOpen(t)
	ctx := context.Background()
	user := func(tx *store.Tx, id string, role roster.OrgRole) *roster.User {
		u := &roster.User{ID: id, OrgID: roster.DefaultOrgID, Username: id, Email: id + "@example.com", Role: role, Status: roster.StatusActive}
		if err := tx.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		return u
	}
	accepted := func(tx *store.Tx, id, invitee, inviter string) {
		inv := &roster.Invite{ID: id, OrgID: roster.DefaultOrgID, UserID: invitee, Email: invitee + "@example.com",
			Role: roster.OrgMember, InviterID: inviter, TokenHash: []byte(id), ExpiresAt: tx.Now().Add(roster.InviteTTL)}
		if err := tx.CreateInvite(ctx, inv); err != nil {
			t.Fatal(err)
		}
		if err := tx.MarkInviteAccepted(ctx, id); err != nil {
			t.Fatal(err)
		}
	}
	exec := func(tx *store.Tx, q string, args ...any) {
		if err := tx.ExecForTest(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	err := db.Tx(ctx, func(tx *store.Tx) error {
		user(tx, "first", roster.OrgAdmin) // the first sign-up
		user(tx, "lead", roster.OrgMember) // a team admin who invited
		user(tx, "viasso", roster.OrgMember)
		if err := tx.SaveSSOIdentity(ctx, "https://idp.example.com", "sub-1", "viasso", "viasso@example.com"); err != nil {
			return err
		}
		user(tx, "viascim", roster.OrgMember)
		exec(tx, `INSERT INTO scim_users (user_id, org_id, user_name, user_name_key, created_at, updated_at) VALUES ('viascim', ?, 'viascim', 'viascim', 0, 0)`, roster.DefaultOrgID)
		user(tx, "viacli", roster.OrgAdmin)
		exec(tx, `INSERT INTO audit_log (org_id, ts, action, user_asset, via) VALUES (?, 0, 'user:create', 'viacli', 'cli')`, roster.DefaultOrgID)
		user(tx, "byadmin", roster.OrgMember)
		accepted(tx, "inv_1", "byadmin", "first")
		user(tx, "bymail", roster.OrgMember)
		accepted(tx, "inv_2", "bymail", "lead")
		if err := tx.EnqueueMail(ctx, &roster.OutboxMail{ID: "mail_1", OrgID: roster.DefaultOrgID, Kind: "invite", Ref: "inv_2",
			To: "bymail@example.com", Subject: "s", Text: "open /invite/SECRET", HTML: "/invite/SECRET"}); err != nil {
			return err
		}
		exec(tx, `UPDATE outbox SET status = 'sent'`)
		user(tx, "byhand", roster.OrgMember) // a team admin handed the link over
		accepted(tx, "inv_3", "byhand", "lead")
		if err := tx.EnqueueMail(ctx, &roster.OutboxMail{ID: "mail_2", OrgID: roster.DefaultOrgID, Kind: "invite", Ref: "inv_3",
			To: "byhand@example.com", Subject: "s", Text: "open /invite/QUEUED", HTML: "/invite/QUEUED"}); err != nil {
			return err
		}
		// Back to the schema before 0007; the later migrations only add
		// what they undo here, or re-key rows idempotently.
		exec(tx, `DROP TABLE auth_failures`) // 0008 makes them anew
		exec(tx, `DROP TABLE login_devices`)
		exec(tx, `ALTER TABLE sso_logins DROP COLUMN organization`) // 0022 adds it again
		exec(tx, `DROP TABLE instance_seats`)                       // 0021 counts them anew
		exec(tx, `DROP TABLE seat_counts`)                          // 0014 counts the seats anew
		exec(tx, `ALTER TABLE users DROP COLUMN email_proven`)
		exec(tx, `ALTER TABLE invites DROP COLUMN awaiting_admin`)
		for _, t := range []string{"jwt_replays", "access_tokens", "federated_subjects", "jwt_issuers"} {
			exec(tx, `DROP TABLE `+t) // 0017 makes them anew
		}
		for _, c := range []string{"method", "user_agent", "last_seen_at"} {
			exec(tx, `ALTER TABLE sessions DROP COLUMN `+c) // 0018 adds them again
		}
		exec(tx, `DROP INDEX organizations_name_key`) // 0019 adds them again
		for _, c := range []string{"display_name", "name_key", "status", "updated_at"} {
			exec(tx, `ALTER TABLE organizations DROP COLUMN `+c)
		}
		exec(tx, `ALTER TABLE users DROP COLUMN instance_admin`)
		exec(tx, `DROP INDEX users_account`) // 0020 adds them again
		exec(tx, `DROP INDEX users_account_org`)
		exec(tx, `ALTER TABLE users DROP COLUMN account_id`)
		exec(tx, `DROP TABLE team_idp_groups`)       // 0015 makes it anew
		exec(tx, `DROP INDEX users_org_last_active`) // 0013 adds them again
		exec(tx, `DROP INDEX users_org_email`)
		exec(tx, `DROP INDEX audit_log_org_action_ts`) // 0012 adds them again
		for _, c := range []string{"entity_asset", "project_asset", "response_code"} {
			exec(tx, `ALTER TABLE audit_log DROP COLUMN `+c)
		}
		exec(tx, `DROP TABLE project_service_accounts`) // 0011 makes them anew
		exec(tx, `DROP INDEX api_keys_org`)
		exec(tx, `ALTER TABLE organizations DROP COLUMN disable_api_key_creation`)
		exec(tx, `ALTER TABLE users DROP COLUMN local_restore`)
		exec(tx, `DELETE FROM schema_migrations WHERE version >= 7`)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := db.Migrate(ctx); err != nil || n < 1 {
		t.Fatalf("migrate applied %d: %v", n, err)
	}
	want := map[string]bool{"first": false, "lead": false, "viasso": true, "viascim": true, "viacli": true,
		"byadmin": true, "bymail": true, "byhand": false}
	err = db.Read(ctx, func(tx *store.Tx) error {
		for id, proven := range want {
			u, err := tx.UserByID(ctx, roster.DefaultOrgID, id)
			if err != nil {
				return err
			}
			if u.EmailProven != proven {
				t.Errorf("%s: email proven %v after the migration, want %v", id, u.EmailProven, proven)
			}
		}
		outbox, err := tx.DumpForTest(ctx, "outbox")
		if err != nil {
			return err
		}
		if strings.Contains(outbox, "/invite/") {
			t.Errorf("the migration left invite links in the outbox:\n%s", outbox)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
