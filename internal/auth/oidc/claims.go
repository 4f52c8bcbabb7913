package oidc

import (
	"encoding/json"
	"strings"
)

// flexBool accepts true and "true": some providers send booleans as strings.
type flexBool bool

func (b *flexBool) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case bool:
		*b = flexBool(x)
	case string:
		*b = flexBool(strings.EqualFold(x, "true"))
	default:
		*b = false
	}
	return nil
}

// flexStrings accepts a list of strings or one string; other items are
// skipped.
type flexStrings []string

func (s *flexStrings) UnmarshalJSON(data []byte) error {
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	switch x := v.(type) {
	case string:
		*s = flexStrings{x}
	case []any:
		out := make(flexStrings, 0, len(x))
		for _, item := range x {
			if str, ok := item.(string); ok {
				out = append(out, str)
			}
		}
		*s = out
	default:
		*s = nil
	}
	return nil
}
