package config_test

import (
	"strings"
	"testing"

	"roster/internal/config"
)

func load(env map[string]string) (config.Config, error) {
	return config.Load(func(k string) string { return env[k] })
}

func TestEmailSettings(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want string // part of the error; empty for none
	}{
		{map[string]string{}, ""},
		{map[string]string{"GORILLA_EMAIL_SINK": "smtp://u:p@mail.example.com:587", "GORILLA_EMAIL_FROM_ADDRESS": "Roster <roster@example.com>"}, ""},
		{map[string]string{"GORILLA_EMAIL_SINK": "smtps://mail.example.com", "GORILLA_EMAIL_FROM_ADDRESS": "roster@example.com"}, ""},
		{map[string]string{"GORILLA_EMAIL_SINK": "http://mail.example.com", "GORILLA_EMAIL_FROM_ADDRESS": "roster@example.com"}, "smtp:// or smtps://"},
		{map[string]string{"GORILLA_EMAIL_SINK": "smtp://mail.example.com:587"}, "GORILLA_EMAIL_FROM_ADDRESS must be set"},
		{map[string]string{"GORILLA_EMAIL_SINK": "smtp://mail.example.com:587", "GORILLA_EMAIL_FROM_ADDRESS": "roster at example"}, "GORILLA_EMAIL_FROM_ADDRESS must be an address"},
	} {
		_, err := load(tc.env)
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%v: %v; want %q", tc.env, err, tc.want)
		}
	}
}

func TestMaskedHidesSecrets(t *testing.T) {
	c, err := load(map[string]string{"GORILLA_EMAIL_SINK": "smtp://user:hunter22@mail.example.com:587",
		"GORILLA_EMAIL_FROM_ADDRESS": "roster@example.com", "LICENSE": "payload.signature"})
	if err != nil {
		t.Fatal(err)
	}
	for _, kv := range c.Masked() {
		if strings.Contains(kv[1], "hunter22") || strings.Contains(kv[1], "payload.signature") {
			t.Errorf("%s shows a secret: %s", kv[0], kv[1])
		}
	}
}
