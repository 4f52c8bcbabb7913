package webhook

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"roster"
)

// TestDialerRefusesLoopback sends to a TLS server on 127.0.0.1: a plain
// client reaches it, the webhook client must not even connect.
func TestDialerRefusesLoopback(t *testing.T) {
	hits := 0
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()

	plain := srv.Client()
	resp, err := plain.Post(srv.URL, "application/json", nil)
	if err != nil {
		t.Fatalf("plain client cannot reach the test server: %v", err)
	}
	resp.Body.Close()
	if hits != 1 {
		t.Fatalf("plain client: %d hits, want 1", hits)
	}

	c := NewClient(5*time.Second, plain.Transport.(*http.Transport).TLSClientConfig)
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL, nil)
	resp, err = c.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("webhook client reached %s", srv.URL)
	}
	var re *roster.Error
	if !errors.As(err, &re) || re.Reason != roster.ReasonWebhookAddress {
		t.Fatalf("webhook client error = %v, want reason %s", err, roster.ReasonWebhookAddress)
	}
	if hits != 1 {
		t.Fatalf("webhook client reached the server: %d hits", hits)
	}
}

// TestSendRefusesBeforeDialling refuses a non-public URL without any
// network traffic.
func TestSendRefusesBeforeDialling(t *testing.T) {
	c := NewClient(time.Second, nil)
	for _, u := range []string{"https://127.0.0.1/hook", "https://[::1]/hook", "http://hooks.example.test/x", "https://10.0.0.1/"} {
		if err := Send(context.Background(), c, u, Message{Text: "x"}); roster.ErrorCode(err) != roster.EInvalid {
			t.Errorf("Send(%s) = %v, want an invalid error", u, err)
		}
	}
}

func TestControlRefusesEveryNonPublicAddress(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:443": false, "127.8.9.1:443": false, "[::1]:443": false, "0.0.0.0:443": false, "[::]:443": false,
		"10.1.2.3:443": false, "172.16.0.1:443": false, "192.168.1.1:443": false, "169.254.169.254:80": false,
		"[fe80::1]:443": false, "[fd00::1]:443": false, "100.64.0.1:443": false, "224.0.0.1:443": false,
		"[::ffff:127.0.0.1]:443": false, "[ff02::1]:443": false, "255.255.255.255:443": false,
		"93.184.215.14:443": true, "[2001:4860:4860::8888]:443": true, "not-an-address": false,
	} {
		if err := control("tcp", addr, nil); (err == nil) != ok {
			t.Errorf("control(%s) = %v, want allowed=%v", addr, err, ok)
		}
	}
}
