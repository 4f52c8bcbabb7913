package webhook

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"roster"
)

// tlsOf is the client TLS configuration that trusts srv's certificate.
func tlsOf(srv *httptest.Server) Options {
	return Options{Timeout: 5 * time.Second, TLS: srv.Client().Transport.(*http.Transport).TLSClientConfig}
}

// TestDialerRefusesLoopback sends to a TLS server on 127.0.0.1: a plain
// client reaches it, the webhook client must not even connect.
func TestDialerRefusesLoopback(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer srv.Close()

	resp, err := srv.Client().Post(srv.URL, "application/json", nil)
	if err != nil {
		t.Fatalf("plain client cannot reach the test server: %v", err)
	}
	resp.Body.Close()

	s := New(tlsOf(srv))
	req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.URL, nil)
	resp, err = s.client.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("webhook client reached %s", srv.URL)
	}
	var re *roster.Error
	if !errors.As(err, &re) || re.Reason != roster.ReasonWebhookAddress {
		t.Fatalf("webhook client error = %v, want reason %s", err, roster.ReasonWebhookAddress)
	}
	if hits.Load() != 1 {
		t.Fatalf("webhook client reached the server: %d hits", hits.Load())
	}
}

// TestSendRefusesBeforeDialling refuses a non-public URL without any
// network traffic.
func TestSendRefusesBeforeDialling(t *testing.T) {
	s := New(Options{Timeout: time.Second})
	for _, u := range []string{"https://127.0.0.1/hook", "https://[::1]/hook", "http://hooks.example.test/x", "https://10.0.0.1/"} {
		if _, err := s.Send(context.Background(), u, Message{Text: "x"}); roster.ErrorCode(err) != roster.EInvalid {
			t.Errorf("Send(%s) = %v, want an invalid error", u, err)
		}
	}
}

// TestSendPostsSlackJSON delivers {"text": ...} to a receiver the test
// switch admits, and a 5xx answer is an error that does not name the URL.
func TestSendPostsSlackJSON(t *testing.T) {
	var got atomic.Value
	status := atomic.Int32{}
	status.Store(200)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got.Store(r.Header.Get("Content-Type") + " " + string(b))
		w.WriteHeader(int(status.Load()))
	}))
	defer srv.Close()
	opt := tlsOf(srv)
	opt.AllowLoopback = true
	s := New(opt)
	url := srv.URL + "/services/T000/B000/SECRETTOKEN"
	if reply, err := s.Send(context.Background(), url, Message{Text: "run done"}); err != nil || reply != "200 OK" {
		t.Fatalf("Send = %q, %v", reply, err)
	}
	if g := got.Load(); g != `application/json {"text":"run done"}` {
		t.Fatalf("receiver got %v", g)
	}
	status.Store(503)
	_, err := s.Send(context.Background(), url, Message{Text: "x"})
	if err == nil || !strings.Contains(err.Error(), "503") || strings.Contains(err.Error(), "SECRETTOKEN") {
		t.Fatalf("Send to a 503 = %v, want an error naming the status and not the URL", err)
	}
	srv.Close()
	_, err = s.Send(context.Background(), url, Message{Text: "x"})
	if err == nil || strings.Contains(err.Error(), "SECRETTOKEN") {
		t.Fatalf("Send to a stopped receiver = %v, want an error without the URL", err)
	}
}

// TestRedirectsAreCheckedLikeTheFirstURL follows an https redirect and
// refuses one to http or to a private address.
func TestRedirectsAreCheckedLikeTheFirstURL(t *testing.T) {
	var final atomic.Int32
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-https":
			http.Redirect(w, r, srv.URL+"/final", http.StatusTemporaryRedirect)
		case "/to-http":
			http.Redirect(w, r, strings.Replace(srv.URL, "https:", "http:", 1)+"/final", http.StatusTemporaryRedirect)
		case "/to-metadata":
			http.Redirect(w, r, "https://169.254.169.254/latest/meta-data", http.StatusTemporaryRedirect)
		case "/loop":
			http.Redirect(w, r, srv.URL+"/loop", http.StatusTemporaryRedirect)
		case "/final":
			final.Add(1)
		}
	}))
	defer srv.Close()
	opt := tlsOf(srv)
	opt.AllowLoopback = true
	s := New(opt)
	if _, err := s.Send(context.Background(), srv.URL+"/to-https", Message{Text: "x"}); err != nil || final.Load() != 1 {
		t.Fatalf("https redirect: %v, %d deliveries", err, final.Load())
	}
	for _, path := range []string{"/to-http", "/to-metadata", "/loop"} {
		if _, err := s.Send(context.Background(), srv.URL+path, Message{Text: "x"}); err == nil {
			t.Errorf("redirect %s followed", path)
		}
	}
	if final.Load() != 1 {
		t.Fatalf("a refused redirect was delivered: %d deliveries", final.Load())
	}
}

func TestControlRefusesEveryNonPublicAddress(t *testing.T) {
	s, test := New(Options{}), New(Options{AllowLoopback: true})
	for addr, ok := range map[string]bool{
		"127.0.0.1:443": false, "127.8.9.1:443": false, "[::1]:443": false, "0.0.0.0:443": false, "[::]:443": false,
		"10.1.2.3:443": false, "172.16.0.1:443": false, "192.168.1.1:443": false, "169.254.169.254:80": false,
		"[fe80::1]:443": false, "[fd00::1]:443": false, "100.64.0.1:443": false, "224.0.0.1:443": false,
		"[::ffff:127.0.0.1]:443": false, "[ff02::1]:443": false, "255.255.255.255:443": false,
		"93.184.215.14:443": true, "[2001:4860:4860::8888]:443": true, "not-an-address": false,
	} {
		if err := s.control("tcp", addr, nil); (err == nil) != ok {
			t.Errorf("control(%s) = %v, want allowed=%v", addr, err, ok)
		}
		loop := strings.HasPrefix(addr, "127.") || addr == "[::1]:443" || addr == "[::ffff:127.0.0.1]:443"
		if err := test.control("tcp", addr, nil); (err == nil) != (ok || loop) {
			t.Errorf("with loopback allowed, control(%s) = %v, want allowed=%v", addr, err, ok || loop)
		}
	}
}
