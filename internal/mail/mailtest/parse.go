package mailtest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"regexp"
	"strings"
)

// Received is one message as the server got it.
type Received struct {
	From     string   // envelope sender
	To       []string // envelope recipients
	AuthUser string   // who authenticated, if anyone
	TLS      bool     // whether the connection was encrypted
	Raw      []byte
	Header   mail.Header
	Subject  string
	Text     string // decoded text/plain part
	HTML     string // decoded text/html part
}

func (r *Received) parse() error {
	m, err := mail.ReadMessage(bytes.NewReader(r.Raw))
	if err != nil {
		return err
	}
	r.Header = m.Header
	dec := new(mime.WordDecoder)
	if r.Subject, err = dec.DecodeHeader(m.Header.Get("Subject")); err != nil {
		return fmt.Errorf("subject: %w", err)
	}
	if err := r.walk(m.Header.Get("Content-Type"), m.Header.Get("Content-Transfer-Encoding"), m.Body); err != nil {
		return err
	}
	if r.Text == "" {
		return errNoText
	}
	return nil
}

// walk collects the text and HTML parts of a possibly multipart body.
func (r *Received) walk(contentType, encoding string, body io.Reader) error {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := r.walk(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return err
	}
	switch mt {
	case "text/plain":
		r.Text = strings.ReplaceAll(string(b), "\r\n", "\n")
	case "text/html":
		r.HTML = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	return nil
}

var tokenRE = regexp.MustCompile(`https?://\S+/invite/([A-Za-z0-9]+)`)

// InviteToken returns the invite token in the message's text, or "".
func (r Received) InviteToken() string {
	if m := tokenRE.FindStringSubmatch(r.Text); m != nil {
		return m[1]
	}
	return ""
}
