package oidc

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// Health is what the last check of the provider found.
type Health struct {
	CheckedAt time.Time // zero while the first check is under way
	// Problem says, for a person, why the provider could not be used;
	// empty when it answered with its discovery document.
	Problem string
}

// Checking reports whether no check has finished yet.
func (h Health) Checking() bool { return h.CheckedAt.IsZero() }

// Probe timings when Config leaves them zero.
const (
	defaultProbeTimeout = 3 * time.Second
	defaultProbeWait    = time.Second
	defaultProbeTTL     = 30 * time.Second
)

// Probe says whether the provider answers its discovery document now. A
// result younger than ProbeTTL is returned at once; otherwise one check
// starts in the background, bounded by ProbeTimeout, and Probe waits for it
// at most ProbeWait, so a provider that hangs never holds up a page by more
// than that: meanwhile the previous result (or "checking") is returned.
func (c *Client) Probe(ctx context.Context) Health {
	c.pmu.Lock()
	last, running := c.health, c.probing
	if !last.Checking() && time.Since(last.CheckedAt) < c.probeTTL() {
		c.pmu.Unlock()
		return last
	}
	if running == nil {
		running = make(chan struct{})
		c.probing = running
		go c.runProbe(running)
	}
	c.pmu.Unlock()
	wait := time.NewTimer(c.probeWait())
	defer wait.Stop()
	select {
	case <-running:
	case <-wait.C:
	case <-ctx.Done():
	}
	c.pmu.Lock()
	defer c.pmu.Unlock()
	return c.health
}

func (c *Client) runProbe(done chan struct{}) {
	problem := c.check()
	c.pmu.Lock()
	c.health = Health{CheckedAt: time.Now(), Problem: problem}
	c.probing = nil
	c.pmu.Unlock()
	close(done)
}

// check fetches the discovery document once and words what went wrong.
func (c *Client) check() string {
	timeout := c.probeTimeout()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	doc := strings.TrimSuffix(c.cfg.Issuer, "/") + "/.well-known/openid-configuration"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, doc, nil)
	if err != nil {
		return fmt.Sprintf("OIDC_ISSUER %q is not a URL Roster can fetch: %v", c.cfg.Issuer, err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return "Roster cannot reach " + doc + ": " + reachProblem(err, timeout)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Sprintf("%s answered HTTP %d instead of the provider's discovery document; check that OIDC_ISSUER is the issuer URL the provider documents", doc, resp.StatusCode)
	}
	var meta struct {
		Issuer string `json:"issuer"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&meta); err != nil {
		return doc + " is not an OpenID discovery document (its answer is not JSON); check OIDC_ISSUER"
	}
	if meta.Issuer != c.cfg.Issuer {
		return fmt.Sprintf("the provider calls itself %q, not OIDC_ISSUER %q; set OIDC_ISSUER to exactly its issuer", truncate(meta.Issuer, 200), c.cfg.Issuer)
	}
	return ""
}

// reachProblem words a failed request: refused, unanswered, unknown host.
func reachProblem(err error, timeout time.Duration) string {
	var dns *net.DNSError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return fmt.Sprintf("no answer within %s; the provider or the network to it hangs", timeout)
	case errors.As(err, &dns):
		return "the host name " + dns.Name + " does not resolve; check OIDC_ISSUER and this server's DNS"
	case strings.Contains(err.Error(), "connection refused"):
		return "connection refused; the provider is not running at that address, or OIDC_ISSUER names the wrong port"
	}
	return truncate(err.Error(), 300)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func (c *Client) probeTimeout() time.Duration {
	return orDefault(c.cfg.ProbeTimeout, defaultProbeTimeout)
}
func (c *Client) probeWait() time.Duration { return orDefault(c.cfg.ProbeWait, defaultProbeWait) }
func (c *Client) probeTTL() time.Duration  { return orDefault(c.cfg.ProbeTTL, defaultProbeTTL) }

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}
