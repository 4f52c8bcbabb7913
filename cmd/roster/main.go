// Command roster serves and administers a Roster instance.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "roster:", err)
		os.Exit(exitCode(err))
	}
}

// usage is printed for help and for unknown commands.
const usage = `roster: users, teams and roles for ML platforms

Usage:
  roster serve [--addr ADDR]            start the server (migrates the database first)
  roster migrate                        apply pending database migrations
  roster admin create --username U --email E [--password P]
                                        create an organization admin (recovery)
  roster admin reset-password --user U [--password P]
                                        set a user's password and end their sessions
  roster admin api-key create --user U [--name N]
                                        print a new API key for a user
  roster admin org list|create NAME [--display-name D] [--admin-email E]
  roster admin org rename ORG [NEW-NAME] [--display-name D]
  roster admin org suspend|resume|delete ORG
                                        manage the instance's organizations
  roster admin instance-admin grant|revoke USER
                                        let a user of the first organization manage organizations, or not
  roster license keygen                 print a new license signing key pair
  roster license issue --private-key K --licensee NAME --seats N [--features a,b] --expires YYYY-MM-DD
                                        print a signed license document on one line
  roster license check                  verify LICENSE with ROSTER_LICENSE_PUBLIC_KEY
  roster backup FILE                    copy a SQLite database to FILE while serving
  roster config                         print the effective configuration, secrets masked
  roster version                        print the version

Configuration comes from the environment; see the README. A password not
given as a flag is read from the first line of standard input.
`

// usageError is a mistake in the command line; it exits with 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg + "\n\n" + usage }

func exitCode(err error) int {
	if _, ok := err.(usageError); ok {
		return 2
	}
	return 1
}

// run is the whole program, with its inputs and outputs passed in.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"no command given"}
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], getenv, stderr)
	case "migrate":
		return cmdMigrate(ctx, getenv, stdout)
	case "admin":
		return cmdAdmin(ctx, args[1:], getenv, stdin, stdout)
	case "license":
		return cmdLicense(args[1:], getenv, stdout)
	case "backup":
		return cmdBackup(ctx, args[1:], getenv, stdout)
	case "config":
		return cmdConfig(getenv, stdout)
	case "version", "--version", "-v":
		fmt.Fprintln(stdout, "roster", Version)
		return nil
	case "help", "--help", "-h":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

// Version is set at build time with -ldflags "-X main.Version=...".
var Version = "dev"
