// Package roster holds Roster's domain: users, roles, invites, keys, audit
// entries, their validation rules and the error vocabulary.
package roster

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// Error codes: each edge maps them to its own status once.
const (
	EInvalid         = "invalid"
	ENotFound        = "not_found"
	EConflict        = "conflict"
	EForbidden       = "forbidden"
	EUnauthenticated = "unauthenticated"
	ETooMany         = "too_many_requests"
	ETooLarge        = "too_large"
	EPrecondition    = "precondition_failed"
	EUnavailable     = "unavailable" // busy: a statement or lock ran out of time; retry
	EUpstream        = "upstream"    // a server Roster depends on (an LDAP directory) cannot be reached or refused Roster
	EInternal        = "internal"
)

// Error is a domain error: a code for machines, a reason that refines it and
// a message a person can act on.
type Error struct {
	Code    string // one of the E* constants
	Reason  string // stable refinement such as "last_admin"; may be empty
	Message string // safe to show to the caller
	Err     error  // wrapped cause, never shown
	// Fields holds every refused field when an input was checked as a
	// whole (InvalidFields); Code, Reason and Message are then the first's.
	Fields []FieldError
}

// FieldError is one refused field of an input checked as a whole.
type FieldError struct {
	Field string // the input's field name, such as "username"
	Err   *Error
}

// InvalidFields returns one Error reporting every refused field at once,
// or nil when there is none: its code and reason are the first field's
// and its message joins every field's message.
func InvalidFields(fields []FieldError) error {
	if len(fields) == 0 {
		return nil
	}
	msgs := make([]string, len(fields))
	for i, f := range fields {
		msgs[i] = f.Err.Message
	}
	first := fields[0].Err
	return &Error{Code: first.Code, Reason: first.Reason, Message: strings.Join(msgs, "; "), Fields: fields}
}

// ErrorFields returns the refused fields err carries, or none.
func ErrorFields(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Message + ": " + e.Err.Error()
	}
	return e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ReasonErrorf returns an Error with a code, a stable reason and a message.
func ReasonErrorf(code, reason, format string, args ...any) *Error {
	return &Error{Code: code, Reason: reason, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first Error in err's chain, or EInternal.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorReason returns the reason of err when set, otherwise its code.
func ErrorReason(err error) string {
	var e *Error
	if errors.As(err, &e) {
		if e.Reason != "" {
			return e.Reason
		}
		return e.Code
	}
	return EInternal
}

// MaxMessageLen bounds a message shown to a caller, in bytes: messages
// may quote what was sent, which can be long (D4).
const MaxMessageLen = 1024

// ErrorMessage returns the user-safe message of err, or a generic one: valid
// UTF-8 and at most MaxMessageLen bytes, whatever input it quotes.
func ErrorMessage(err error) string {
	var e *Error
	if !errors.As(err, &e) {
		return "internal error"
	}
	msg := strings.ToValidUTF8(e.Message, "\uFFFD")
	if len(msg) <= MaxMessageLen {
		return msg
	}
	cut := MaxMessageLen - len("…")
	for cut > 0 && !utf8.RuneStart(msg[cut]) {
		cut--
	}
	return msg[:cut] + "…"
}

// ErrNotFound is the sentinel for a missing row; check it with errors.Is.
var ErrNotFound = &Error{Code: ENotFound, Message: "not found"}

// IsNotFound reports whether err is or wraps a not_found Error.
func IsNotFound(err error) bool { return ErrorCode(err) == ENotFound }
