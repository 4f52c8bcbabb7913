// Package webhook delivers team alert events (T9) to Slack-compatible
// webhook URLs, over a dialer that refuses every address of the server's
// own network, whatever a name resolves to when it is dialled.
package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"roster"
)

// maxRedirects is how many redirects one delivery follows; each target is
// checked as the first URL was.
const maxRedirects = 3

// Options configure a Sender; zero values take defaults.
type Options struct {
	Timeout time.Duration // bound of one delivery, redirects included (30s)
	TLS     *tls.Config   // the TLS configuration to start from; tests pass their own roots
	// AllowLoopback lets deliveries reach loopback addresses. It exists for
	// tests that run their receiver on 127.0.0.1 (ROSTER_WEBHOOK_ALLOW_LOOPBACK);
	// every other non-public address stays refused.
	AllowLoopback bool
}

// Sender posts alert messages to webhook URLs.
type Sender struct {
	client        *http.Client
	allowLoopback bool
}

// New returns a Sender: no proxy (a proxy would dial for us), TLS 1.2 or
// later, https redirects only, and the guarded dialer.
func New(opt Options) *Sender {
	if opt.Timeout <= 0 {
		opt.Timeout = 30 * time.Second
	}
	s := &Sender{allowLoopback: opt.AllowLoopback}
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: s.control}
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if opt.TLS != nil {
		tlsConfig = opt.TLS.Clone()
	}
	s.client = &http.Client{
		Timeout: opt.Timeout,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         dialer.DialContext,
			TLSClientConfig:     tlsConfig,
			TLSHandshakeTimeout: 10 * time.Second,
			MaxIdleConns:        10,
			IdleConnTimeout:     30 * time.Second,
		},
		CheckRedirect: s.checkRedirect,
	}
	return s
}

// AllowsLoopback reports whether the test switch is on, so that settings
// accept the loopback URLs the Sender can reach.
func (s *Sender) AllowsLoopback() bool { return s.allowLoopback }

// control refuses a connection to an address the Sender may not reach. It
// runs after name resolution, on the very address being dialled, so a DNS
// answer that changes between the URL check and delivery (rebinding)
// cannot reach a loopback, link-local or private address.
func (s *Sender) control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook dial %s %s: %w", network, address, roster.ErrWebhookAddress(address))
	}
	if ip := ap.Addr().Unmap(); !roster.PublicAddr(ip) && !(s.allowLoopback && ip.IsLoopback()) {
		return fmt.Errorf("webhook dial %s: %w", network, roster.ErrWebhookAddress(ip.String()))
	}
	return nil
}

// checkRedirect follows at most maxRedirects redirects, each to a URL that
// passes the same check as the first.
func (s *Sender) checkRedirect(req *http.Request, via []*http.Request) error {
	if len(via) > maxRedirects {
		return errors.New("webhook redirected more than 3 times")
	}
	if err := roster.ValidateWebhookURL(req.URL.String(), s.allowLoopback); err != nil {
		return fmt.Errorf("webhook redirect refused: %w", err)
	}
	return nil
}

// Message is a Slack-compatible webhook body.
type Message struct {
	Text string `json:"text"`
}

// Send posts msg to raw, which must pass roster.ValidateWebhookURL, and
// returns the receiver's status line. A status other than 2xx is an
// error. Errors never carry the URL: a webhook URL is a secret.
func (s *Sender) Send(ctx context.Context, raw string, msg Message) (string, error) {
	if err := roster.ValidateWebhookURL(raw, s.allowLoopback); err != nil {
		return "", err
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return "", fmt.Errorf("encode webhook message: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, raw, bytes.NewReader(body))
	if err != nil {
		return "", errors.New("webhook request: the URL cannot be used")
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Roster-Webhook/1")
	resp, err := s.client.Do(req)
	if err != nil {
		return "", fmt.Errorf("send webhook: %w", withoutURL(err))
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return "", fmt.Errorf("send webhook: the receiver answered %s", resp.Status)
	}
	return resp.Status, nil
}

// withoutURL drops the request URL net/http puts in its errors.
func withoutURL(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}
