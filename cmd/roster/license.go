package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"roster/internal/app"
	"roster/internal/config"
	"roster/internal/license"
)

// cmdLicense runs `roster license keygen|issue|check` for operators who sign
// their own licenses (O14).
func cmdLicense(args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 {
		return usageError{"license needs a subcommand: keygen, issue or check"}
	}
	switch args[0] {
	case "keygen":
		if len(args) > 1 {
			return usageError{"license keygen takes no arguments"}
		}
		pub, priv, err := license.GenerateKey()
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "public: %s\nprivate: %s\n", pub, priv)
		return nil
	case "issue":
		return cmdLicenseIssue(args[1:], stdout)
	case "check":
		return cmdLicenseCheck(getenv, stdout)
	}
	return usageError{fmt.Sprintf("unknown license subcommand %q", args[0])}
}

func cmdLicenseIssue(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("license issue", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	privKey := fs.String("private-key", "", "base64 private key from `roster license keygen`")
	licensee := fs.String("licensee", "", "who the license is for")
	seats := fs.Int("seats", 0, "seat limit")
	features := fs.String("features", "", "comma-separated features")
	expires := fs.String("expires", "", "last valid day, YYYY-MM-DD")
	org := fs.String("organization", "", "the organization's name the license is for; omitted, the instance")
	if err := fs.Parse(args); err != nil {
		return usageError{"license issue: " + err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("license issue: unexpected argument %q", fs.Arg(0))}
	}
	if *privKey == "" || *licensee == "" || *seats == 0 || *expires == "" {
		return usageError{"license issue needs --private-key, --licensee, --seats and --expires"}
	}
	key, err := license.ParsePrivateKey(*privKey)
	if err != nil {
		return err
	}
	l := license.License{Licensee: *licensee, Seats: *seats, Expires: *expires, IssuedAt: time.Now(), Organization: *org}
	for _, name := range strings.Split(*features, ",") {
		if strings.TrimSpace(name) == "" {
			continue
		}
		f, err := license.ParseFeature(name)
		if err != nil {
			return err
		}
		l.Features = append(l.Features, f)
	}
	doc, err := license.Issue(l, key)
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, doc)
	return nil
}

// cmdLicenseCheck verifies LICENSE with ROSTER_LICENSE_PUBLIC_KEY and
// prints what the server would make of it.
func cmdLicenseCheck(getenv func(string) string, stdout io.Writer) error {
	cfg, err := config.Load(getenv)
	if err != nil {
		return err
	}
	if cfg.License == "" {
		fmt.Fprintln(stdout, "status: none (no LICENSE: no seat limit, every feature on)")
		return nil
	}
	_, err = license.ParsePublicKey(cfg.LicensePublicKey)
	if cfg.LicensePublicKey == "" {
		err = license.ErrNoPublicKey
	}
	if err != nil {
		return fmt.Errorf("ROSTER_LICENSE_PUBLIC_KEY: %w", err)
	}
	all, err := app.CheckLicenses(cfg.License, cfg.LicensePublicKey, time.Now())
	if err != nil {
		return err
	}
	var bad []error
	for i, st := range all {
		err := st.Err
		if st.Status == app.LicenseExpired {
			err = fmt.Errorf("%w on %s", license.ErrExpired, st.License.Expires)
		}
		if len(all) == 1 {
			if err != nil {
				return fmt.Errorf("LICENSE is not valid and would be ignored: %w", err)
			}
		} else {
			fmt.Fprintf(stdout, "document %d:\n", i+1)
			if err != nil {
				fmt.Fprintf(stdout, "status: %s (ignored): %v\n\n", st.Status, err)
				bad = append(bad, fmt.Errorf("document %d: %w", i+1, err))
				continue
			}
		}
		l := st.License
		fmt.Fprintf(stdout, "status: valid\nfor: %s\nlicensee: %s\nseats: %d\nfeatures: %s\nexpires: %s\n",
			l.Scope(), l.Licensee, l.Seats, joinFeatures(l.Features), l.Expires)
		if len(all) > 1 {
			fmt.Fprintln(stdout)
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("LICENSE: %d of %d documents are not valid and would be ignored: %w", len(bad), len(all), errors.Join(bad...))
	}
	return nil
}

func joinFeatures(fs []license.Feature) string {
	var names []string
	for _, f := range fs {
		names = append(names, string(f))
	}
	return strings.Join(names, ",")
}
