// Package ldaptest starts a real OpenLDAP slapd for tests, on free loopback
// ports, with a generated slapd.conf (mdb backend, memberof and ppolicy
// overlays), a certificate made for the test, and seed entries: people,
// groups and a locked account. It listens on plain ldap:// (which also
// offers StartTLS) and on ldaps://.
package ldaptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	goldap "github.com/go-ldap/ldap/v3"
)

// The seeded directory.
const (
	BaseDN   = "dc=example,dc=org"
	AdminDN  = "cn=admin,dc=example,dc=org"
	AdminPW  = "admin-secret"
	BindDN   = "cn=roster,ou=services,dc=example,dc=org" // the service account Roster searches with
	BindPW   = "roster-secret"
	Password = "correct horse" // every seeded person's password
)

// Server is a running slapd.
type Server struct {
	URL      string         // ldap://127.0.0.1:port
	TLSURL   string         // ldaps://127.0.0.1:port
	RootCAs  *x509.CertPool // trusts the server's certificate
	dir      string
	cmd      *exec.Cmd
	stoppedc chan struct{}
}

// Binary returns slapd's path, or skips the test when it is missing and
// CI is not set; under CI=true a missing slapd fails the test.
func Binary(t testing.TB) string {
	t.Helper()
	for _, p := range []string{os.Getenv("ROSTER_SLAPD"), "/usr/sbin/slapd"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("slapd"); err == nil {
		return p
	}
	if os.Getenv("CI") != "" {
		t.Fatal("slapd is not installed: run scripts/slapd.sh (apt-get install slapd ldap-utils)")
	}
	t.Skip("slapd is not installed; run scripts/slapd.sh to run the LDAP tests")
	return ""
}

// Start runs a seeded slapd until the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	bin := Binary(t)
	dir := t.TempDir()
	s := &Server{dir: dir, stoppedc: make(chan struct{})}
	s.RootCAs = writeCert(t, dir)
	if err := os.Mkdir(filepath.Join(dir, "db"), 0o700); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "slapd.conf")
	if err := os.WriteFile(conf, []byte(slapdConf(dir)), 0o600); err != nil {
		t.Fatal(err)
	}
	plain, secure := freePort(t), freePort(t)
	s.URL, s.TLSURL = "ldap://127.0.0.1:"+plain, "ldaps://127.0.0.1:"+secure
	var log strings.Builder
	s.cmd = exec.Command(bin, "-f", conf, "-h", s.URL+"/ "+s.TLSURL+"/", "-d", "0")
	s.cmd.Stdout, s.cmd.Stderr = &log, &log
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start slapd: %v", err)
	}
	go func() { _ = s.cmd.Wait(); close(s.stoppedc) }()
	t.Cleanup(s.Stop)
	if err := s.waitReady(); err != nil {
		t.Fatalf("slapd did not start: %v\n%s", err, log.String())
	}
	s.seed(t)
	return s
}

// Stop ends slapd; the directory is then down. Stopping twice is fine.
func (s *Server) Stop() {
	if s.cmd.Process == nil {
		return
	}
	select {
	case <-s.stoppedc:
		return
	default:
	}
	_ = s.cmd.Process.Kill()
	<-s.stoppedc
}

func (s *Server) waitReady() error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := goldap.DialURL(s.URL)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-s.stoppedc:
			return fmt.Errorf("slapd exited: %w", err)
		default:
		}
		if time.Now().After(deadline) {
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Admin returns a connection bound as the directory's root, for changing
// entries in a test.
func (s *Server) Admin(t testing.TB) *goldap.Conn {
	t.Helper()
	c, err := goldap.DialURL(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Bind(AdminDN, AdminPW); err != nil {
		c.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// PersonDN is the DN of a seeded person.
func PersonDN(uid string) string { return "uid=" + uid + ",ou=people," + BaseDN }

// GroupDN is the DN of a group.
func GroupDN(cn string) string { return "cn=" + cn + ",ou=groups," + BaseDN }

// SetGroupMembers replaces the members of group cn (which must exist).
func (s *Server) SetGroupMembers(t testing.TB, cn string, uids ...string) {
	t.Helper()
	m := goldap.NewModifyRequest(GroupDN(cn), nil)
	m.Replace("member", members(uids))
	if err := s.Admin(t).Modify(m); err != nil {
		t.Fatalf("set members of %s: %v", cn, err)
	}
}

// AddPerson adds a person with Password under ou=people.
func (s *Server) AddPerson(t testing.TB, uid, mail, name string) {
	t.Helper()
	if err := s.Admin(t).Add(person(uid, mail, name)); err != nil {
		t.Fatalf("add %s: %v", uid, err)
	}
}

func members(uids []string) []string {
	// groupOfNames needs a member; the admin stands in for an empty group.
	out := []string{AdminDN}
	for _, u := range uids {
		out = append(out, PersonDN(u))
	}
	return out
}

func person(uid, mail, name string) *goldap.AddRequest {
	a := goldap.NewAddRequest(PersonDN(uid), nil)
	a.Attribute("objectClass", []string{"inetOrgPerson"})
	a.Attribute("uid", []string{uid})
	a.Attribute("cn", []string{name})
	a.Attribute("sn", []string{name})
	if mail != "" {
		a.Attribute("mail", []string{mail})
	}
	a.Attribute("userPassword", []string{Password})
	return a
}

// seed adds the base entries, the service account, the people and groups:
// ada (groups ml and vision), grace (group ml), linus (no group), mallory
// (group ml, locked with pwdAccountLockedTime) and dup1/dup2 who share the
// address dup@example.org.
func (s *Server) seed(t testing.TB) {
	t.Helper()
	c := s.Admin(t)
	add := func(r *goldap.AddRequest) {
		t.Helper()
		if err := c.Add(r); err != nil {
			t.Fatalf("seed %s: %v", r.DN, err)
		}
	}
	base := goldap.NewAddRequest(BaseDN, nil)
	base.Attribute("objectClass", []string{"dcObject", "organization"})
	base.Attribute("o", []string{"Example"})
	base.Attribute("dc", []string{"example"})
	add(base)
	for _, ou := range []string{"people", "groups", "services"} {
		r := goldap.NewAddRequest("ou="+ou+","+BaseDN, nil)
		r.Attribute("objectClass", []string{"organizationalUnit"})
		r.Attribute("ou", []string{ou})
		add(r)
	}
	svc := goldap.NewAddRequest(BindDN, nil)
	svc.Attribute("objectClass", []string{"person"})
	svc.Attribute("cn", []string{"roster"})
	svc.Attribute("sn", []string{"roster"})
	svc.Attribute("userPassword", []string{BindPW})
	add(svc)
	add(person("ada", "Ada@Example.org", "Ada Lovelace"))
	add(person("grace", "grace@example.org", "Grace Hopper"))
	add(person("linus", "linus@example.org", "Linus"))
	add(person("dup1", "dup@example.org", "Dup One"))
	add(person("dup2", "dup@example.org", "Dup Two"))
	locked := person("mallory", "mallory@example.org", "Mallory")
	locked.Attribute("pwdAccountLockedTime", []string{"000001010000Z"})
	add(locked)
	for cn, uids := range map[string][]string{"ml": {"ada", "grace", "mallory"}, "vision": {"ada"}, "staff": {"ada", "grace"}} {
		g := goldap.NewAddRequest(GroupDN(cn), nil)
		g.Attribute("objectClass", []string{"groupOfNames"})
		g.Attribute("cn", []string{cn})
		g.Attribute("member", members(uids))
		add(g)
	}
}

func slapdConf(dir string) string {
	return fmt.Sprintf(`include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
moduleload ppolicy
pidfile %[1]s/slapd.pid
TLSCertificateFile %[1]s/cert.pem
TLSCertificateKeyFile %[1]s/key.pem
database mdb
suffix "%[2]s"
rootdn "%[3]s"
rootpw %[4]s
directory %[1]s/db
maxsize 10485760
access to attrs=userPassword by anonymous auth by self write by * none
access to * by * read
overlay memberof
overlay ppolicy
`, dir, BaseDN, AdminDN, AdminPW)
}

// writeCert makes a self-signed certificate for 127.0.0.1 and localhost
// and returns a pool that trusts it.
func writeCert(t testing.TB, dir string) *x509.CertPool {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "roster ldap test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, DNSNames: []string{"localhost"},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := os.WriteFile(filepath.Join(dir, "cert.pem"), certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kder}), 0o600); err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certPEM)
	return pool
}

func freePort(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	_, port, _ := net.SplitHostPort(l.Addr().String())
	return port
}
