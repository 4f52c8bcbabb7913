package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"

	"roster"
	"roster/internal/app"
	"roster/internal/config"
)

// Instance administration from the command line (#18): roster admin org
// and roster admin instance-admin. The rules are in internal/app.

// withService opens the database and the service for one command.
func withService(ctx context.Context, getenv func(string) string, fn func(svc *app.Service) error) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := openDB(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer db.Close()
	svc, err := newService(db, cfg, log)
	if err != nil {
		return err
	}
	return fn(svc)
}

// parseMixed parses fs's flags wherever they stand among args and returns
// the other arguments in order.
func parseMixed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos, args = append(pos, fs.Arg(0)), fs.Args()[1:]
	}
}

// orgUsage lists the org subcommands.
const orgUsage = "admin org needs a subcommand: list, create NAME, rename ORG [NEW-NAME] [--display-name D], suspend ORG, resume ORG or delete ORG"

func cmdAdminOrg(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{orgUsage}
	}
	fs := flag.NewFlagSet("admin org "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	display := fs.String("display-name", "", "display name of the organization")
	adminEmail := fs.String("admin-email", "", "email of the organization's first admin, invited now")
	pos, err := parseMixed(fs, args[1:])
	if err != nil {
		return err
	}
	want := map[string][2]int{"list": {0, 0}, "create": {1, 1}, "rename": {1, 2}, "suspend": {1, 1}, "resume": {1, 1}, "delete": {1, 1}}
	n, ok := want[args[0]]
	if !ok {
		return usageError{fmt.Sprintf("unknown admin org subcommand %q; %s", args[0], orgUsage)}
	}
	if len(pos) < n[0] || len(pos) > n[1] {
		return usageError{fmt.Sprintf("admin org %s: wrong number of arguments; %s", args[0], orgUsage)}
	}
	return withService(ctx, getenv, func(svc *app.Service) error {
		switch args[0] {
		case "list":
			return printOrgs(ctx, svc, stdout)
		case "create":
			return createOrg(ctx, svc, app.OrgInput{Name: pos[0], DisplayName: *display, AdminEmail: *adminEmail}, stdout)
		case "rename":
			return renameOrg(ctx, svc, pos, *display, stdout)
		case "delete":
			if err := svc.DeleteOrganization(ctx, cliActor, pos[0]); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "deleted organization %s; its name is free again\n", pos[0])
			return nil
		}
		st := roster.OrgSuspended
		if args[0] == "resume" {
			st = roster.OrgActive
		}
		o, err := svc.ChangeOrganization(ctx, cliActor, pos[0], app.OrgChange{Status: &st})
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "organization %s (%s) is %s\n", o.Name, o.ID, o.Status)
		return nil
	})
}

func printOrgs(ctx context.Context, svc *app.Service, stdout io.Writer) error {
	all, err := svc.ListOrganizations(ctx, cliActor)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tID\tSTATUS\tUSERS\tSEATS USED\tSEAT LIMIT\tTEAMS\tDISPLAY NAME")
	for _, o := range all {
		limit := "none"
		switch {
		case o.SeatLimit > 0 && o.License == app.ScopeInstance:
			limit = fmt.Sprintf("%d (instance, shared)", o.SeatLimit)
		case o.SeatLimit > 0:
			limit = fmt.Sprintf("%d (own license)", o.SeatLimit)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%d\t%s\t%d\t%s\n", o.Name, o.ID, o.Status, o.Users, o.SeatsUsed, limit, o.Teams, o.DisplayName)
	}
	return tw.Flush()
}

func createOrg(ctx context.Context, svc *app.Service, in app.OrgInput, stdout io.Writer) error {
	res, err := svc.CreateOrganization(ctx, cliActor, in)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "created organization %s (%s)\n", res.Org.Name, res.Org.ID)
	switch inv := res.Invite; {
	case inv == nil:
	case inv.URL != "":
		fmt.Fprintf(stdout, "invite link for its admin %s, valid until %s:\n%s\n", inv.User.Email,
			inv.Invite.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC"), inv.URL)
	default:
		fmt.Fprintf(stdout, "invite mailed to its admin %s\n", inv.User.Email)
	}
	return nil
}

func renameOrg(ctx context.Context, svc *app.Service, pos []string, display string, stdout io.Writer) error {
	var c app.OrgChange
	if len(pos) == 2 {
		c.Name = &pos[1]
	}
	if display != "" {
		c.DisplayName = &display
	}
	if c.Name == nil && c.DisplayName == nil {
		return usageError{"admin org rename needs a new name or --display-name"}
	}
	o, err := svc.ChangeOrganization(ctx, cliActor, pos[0], c)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "organization %s (%s) is now %s, shown as %q\n", pos[0], o.ID, o.Name, o.DisplayName)
	return nil
}

func cmdInstanceAdmin(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) != 2 || args[0] != "grant" && args[0] != "revoke" {
		return usageError{"admin instance-admin needs grant or revoke and a user of the first organization (email, username or id)"}
	}
	grant := args[0] == "grant"
	return withService(ctx, getenv, func(svc *app.Service) error {
		u, err := svc.SetInstanceAdmin(ctx, cliActor, args[1], grant)
		if err != nil {
			return err
		}
		if grant {
			fmt.Fprintf(stdout, "%s is an instance admin\n", u.Email)
		} else {
			fmt.Fprintf(stdout, "%s is no longer an instance admin\n", u.Email)
		}
		return nil
	})
}
