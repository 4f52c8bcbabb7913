package crashtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// readyDeadline bounds how long a server may take to answer /readyz; it is
// a liveness bound only, generous for a loaded machine.
const readyDeadline = 90 * time.Second

var (
	buildOnce sync.Once
	buildDir  string
	buildBin  string
	buildErr  error
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// binary builds the real roster command once per test run, without the
// race detector: the server is the thing under test, not the client.
func binary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		if buildDir, buildErr = os.MkdirTemp("", "roster-crash-"); buildErr != nil {
			return
		}
		buildBin = filepath.Join(buildDir, "roster")
		cmd := exec.Command("go", "build", "-o", buildBin, "roster/cmd/roster")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build ./cmd/roster: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}

// cli runs a roster command on the database and returns its output.
func cli(t *testing.T, bin, db, stdin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "ROSTER_DB="+db, "ROSTER_LOG_LEVEL=warn")
	cmd.Stdin = strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("roster %s: %v\n%s%s", strings.Join(args, " "), err, out.String(), errOut.String())
	}
	return out.String()
}

// server is one `roster serve` process.
type server struct {
	url  string
	cmd  *exec.Cmd
	done chan struct{}
	log  *bytes.Buffer
	mu   *sync.Mutex
}

// lockedWriter lets the process write its log while the test reads it.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// startServer starts `roster serve` on a free loopback port and waits
// until it answers /readyz; the process is killed when the test ends.
func startServer(t *testing.T, bin, db string) *server {
	t.Helper()
	addr := freeAddr(t)
	s := &server{url: "http://" + addr, done: make(chan struct{}), log: &bytes.Buffer{}, mu: &sync.Mutex{}}
	s.cmd = exec.Command(bin, "serve", "--addr", addr, "--db", db)
	s.cmd.Env = append(os.Environ(), "ROSTER_LOG_LEVEL=warn")
	s.cmd.Stdout, s.cmd.Stderr = lockedWriter{s.mu, s.log}, lockedWriter{s.mu, s.log}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("start roster serve: %v", err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	t.Cleanup(s.kill)
	if err := s.waitReady(); err != nil {
		t.Fatalf("roster serve on %s: %v\n%s", addr, err, s.output())
	}
	return s
}

// waitReady polls /readyz until it answers 200, the process exits or the
// deadline passes.
func (s *server) waitReady() error {
	c := &http.Client{Timeout: 5 * time.Second}
	deadline := time.Now().Add(readyDeadline)
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return errors.New("the server exited before it was ready")
		default:
		}
		if resp, err := c.Get(s.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("/readyz did not answer 200 within %v", readyDeadline)
}

// kill sends SIGKILL and waits until the process is gone.
func (s *server) kill() {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

func (s *server) output() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.log.String()
}

// freeAddr finds a free port on 127.0.0.1.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// client calls a server with an API key.
type client struct {
	base, key string
	http      *http.Client
}

// statusError is an answer that was not the one expected.
type statusError struct {
	method, path string
	status       int
	body         string
}

func (e *statusError) Error() string {
	return fmt.Sprintf("%s %s: status %d: %.300s", e.method, e.path, e.status, e.body)
}

// do sends a JSON request and decodes a 2xx answer into out. A transport
// error (the server was killed) and a non-2xx status are errors; only the
// latter is a *statusError.
func (c *client) do(method, path string, body, out any) error {
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			return err
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &statusError{method, path, resp.StatusCode, string(data)}
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}
