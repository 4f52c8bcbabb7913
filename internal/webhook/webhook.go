// Package webhook delivers team alert events (T9) to Slack-compatible
// webhook URLs, over a dialer that refuses every address of the server's
// own network, whatever a name resolves to when it is dialled.
package webhook

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"roster"
)

// control refuses a connection to an address roster.PublicAddr refuses. It
// runs after name resolution, on the very address being dialled, so a DNS
// answer that changes between the URL check and delivery (rebinding)
// cannot reach a loopback, link-local or private address.
func control(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("webhook dial %s %s: %w", network, address, roster.ErrWebhookAddress(address))
	}
	if !roster.PublicAddr(ap.Addr()) {
		return fmt.Errorf("webhook dial %s: %w", network, roster.ErrWebhookAddress(ap.Addr().String()))
	}
	return nil
}

// NewClient returns the HTTP client webhooks are sent with: no proxy (a
// proxy would dial for us), no redirects, TLS 1.2 or later, and the
// guarded dialer. base, when not nil, is the TLS configuration to start
// from (tests pass their own roots).
func NewClient(timeout time.Duration, base *tls.Config) *http.Client {
	dialer := &net.Dialer{Timeout: 10 * time.Second, Control: control}
	tlsConfig := &tls.Config{MinVersion: tls.VersionTLS12}
	if base != nil {
		tlsConfig = base.Clone()
	}
	return &http.Client{
		Timeout: timeout,
		Transport: &http.Transport{
			Proxy:               nil,
			DialContext:         dialer.DialContext,
			TLSClientConfig:     tlsConfig,
			TLSHandshakeTimeout: 10 * time.Second,
			MaxIdleConns:        10,
			IdleConnTimeout:     30 * time.Second,
		},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Message is a Slack-compatible webhook body.
type Message struct {
	Text string `json:"text"`
}

// Send posts msg to url, which must pass roster.ValidateAlerts; a status
// other than 2xx is an error.
func Send(ctx context.Context, c *http.Client, url string, msg Message) error {
	if err := roster.ValidateAlerts(roster.TeamAlerts{WebhookURL: url}); err != nil {
		return err
	}
	body, err := json.Marshal(msg)
	if err != nil {
		return fmt.Errorf("encode webhook message: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return fmt.Errorf("send webhook: %w", err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("send webhook: status %d", resp.StatusCode)
	}
	return nil
}
