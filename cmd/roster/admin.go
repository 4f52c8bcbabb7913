package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"roster"
	"roster/internal/config"
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
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
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
	readPassword := func() (string, error) {
		if *password != "" {
			return *password, nil
		}
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && !(errors.Is(err, io.EOF) && line != "") {
			return "", errors.New("give --password or the password on standard input")
		}
		return strings.TrimRight(line, "\r\n"), nil
	}
	switch sub {
	case "create":
		if *username == "" || *email == "" {
			return usageError{"admin create needs --username and --email"}
		}
		pw, err := readPassword()
		if err != nil {
			return err
		}
		u, err := svc.CreateAdmin(ctx, cliActor, *username, *email, pw)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "created admin %s (%s)\n", u.Username, u.ID)
	case "reset-password":
		if *user == "" {
			return usageError{"admin reset-password needs --user"}
		}
		pw, err := readPassword()
		if err != nil {
			return err
		}
		u, err := svc.ResetPassword(ctx, cliActor, *user, pw)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "password of %s reset; their sessions have ended\n", u.Username)
	case "api-key create":
		if *user == "" {
			return usageError{"admin api-key create needs --user"}
		}
		k, err := svc.CreateAPIKeyFor(ctx, cliActor, *user, *name)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, k.Secret)
	default:
		return usageError{fmt.Sprintf("unknown admin subcommand %q", args[0])}
	}
	return nil
}
