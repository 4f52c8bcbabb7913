package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"strings"

	"roster"
	"roster/internal/app"
)

// cliActor is the server's own command line, trusted because it holds the
// database (O4).
var cliActor = roster.Actor{Via: roster.ViaCLI, IP: "local"}

func cmdAdmin(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{"admin needs a subcommand: create, reset-password, api-key create, org or instance-admin"}
	}
	switch args[0] {
	case "org":
		return cmdAdminOrg(ctx, args[1:], getenv, stdout)
	case "instance-admin":
		return cmdInstanceAdmin(ctx, args[1:], getenv, stdout)
	}
	fs := flag.NewFlagSet("admin "+args[0], flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	username := fs.String("username", "", "username of the new admin")
	email := fs.String("email", "", "email of the new admin")
	user := fs.String("user", "", "username, email or id of the user")
	password := fs.String("password", "", "password; read from standard input when not given")
	name := fs.String("name", "created by roster admin", "name of the API key")
	rest := args[1:]
	sub := args[0]
	if sub == "api-key" {
		if len(rest) == 0 || rest[0] != "create" {
			return usageError{"admin api-key needs the subcommand create"}
		}
		sub, rest = "api-key create", rest[1:]
	}
	if err := fs.Parse(rest); err != nil {
		return usageError{err.Error()}
	}
	return withService(ctx, getenv, func(svc *app.Service) error {
		return adminRun(ctx, svc, sub, args[0], adminFlags{*username, *email, *user, *password, *name}, stdin, stdout)
	})
}

// adminFlags are the flags of roster admin create, reset-password and
// api-key create.
type adminFlags struct{ username, email, user, password, name string }

// adminRun runs one of those subcommands on svc.
func adminRun(ctx context.Context, svc *app.Service, sub, arg string, f adminFlags, stdin io.Reader, stdout io.Writer) error {
	readPassword := func() (string, error) {
		if f.password != "" {
			return f.password, nil
		}
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", errors.New("give --password or the password on standard input")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	switch sub {
	case "create":
		if f.username == "" || f.email == "" {
			return usageError{"admin create needs --username and --email"}
		}
		pw, err := readPassword()
		if err != nil {
			return err
		}
		u, err := svc.CreateAdmin(ctx, cliActor, f.username, f.email, pw)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created admin %s (%s)\n", u.Username, u.ID)
	case "reset-password":
		if f.user == "" {
			return usageError{"admin reset-password needs --user"}
		}
		pw, err := readPassword()
		if err != nil {
			return err
		}
		u, err := svc.ResetPassword(ctx, cliActor, f.user, pw)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s reset; their sessions have ended\n", u.Username)
	case "api-key create":
		if f.user == "" {
			return usageError{"admin api-key create needs --user"}
		}
		k, err := svc.CreateAPIKeyFor(ctx, cliActor, f.user, f.name)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, k.Secret)
	default:
		return usageError{fmt.Sprintf("unknown admin subcommand %q", arg)}
	}
	return nil
}
