package toss

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// KST is Korea Standard Time (UTC+9, no daylight saving). Toss timestamps that
// carry no UTC offset (webhook createdAt, request dates, some dueDate values)
// are Korea time and are parsed in this zone.
var KST = time.FixedZone("KST", 9*60*60)

// tossTimeLayouts are the timestamp shapes Toss is known to send, tried in
// order: ISO 8601 with offset (the documented form), local time with optional
// fraction (webhook createdAt, dueDate in the reference), and a plain date
// (settlement soldDate/paidOutDate).
var tossTimeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02",
}

// parseTime parses a Toss timestamp; values without an offset are Korea time.
func parseTime(s string) (time.Time, error) {
	for _, layout := range tossTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, KST); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("toss: unrecognised timestamp %.60q", maskDigits(s))
}

// jsonTime decodes a Toss timestamp. It is used only as a shadow field inside
// UnmarshalJSON methods so that exported fields can stay time.Time.
// null and "" leave it unset (set reports whether a value was present).
type jsonTime struct {
	t   time.Time
	set bool
}

func (j *jsonTime) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("toss: timestamp is not a string: %w", err)
	}
	if s == "" {
		return nil
	}
	t, err := parseTime(s)
	if err != nil {
		return err
	}
	j.t, j.set = t, true
	return nil
}

// ptr returns the parsed time, or nil when the JSON value was null or absent.
func (j jsonTime) ptr() *time.Time {
	if !j.set {
		return nil
	}
	t := j.t
	return &t
}
