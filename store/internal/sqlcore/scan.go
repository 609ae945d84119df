package sqlcore

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"reflect"
	"time"
)

// timeCol scans a timestamptz (time.Time) or Unix-microsecond (int64) column
// into a UTC time. With null set, NULL scans into a nil *time.Time.
type timeCol struct {
	dst     *time.Time
	nullDst **time.Time
}

func scanTime(dst *time.Time) timeCol      { return timeCol{dst: dst} }
func scanNullTime(dst **time.Time) timeCol { return timeCol{nullDst: dst} }

// Scan implements sql.Scanner.
func (c timeCol) Scan(src any) error {
	var t time.Time
	switch v := src.(type) {
	case nil:
		if c.nullDst == nil {
			return fmt.Errorf("scan time: unexpected NULL")
		}
		*c.nullDst = nil
		return nil
	case time.Time:
		t = v.UTC()
	case int64:
		t = time.UnixMicro(v).UTC()
	default:
		return fmt.Errorf("scan time: unsupported type %T", src)
	}
	if c.nullDst != nil {
		*c.nullDst = &t
	} else {
		*c.dst = t
	}
	return nil
}

// textCol scans a nullable text or uuid column into a string, NULL becoming
// "" (and *valid false when valid is set).
type textCol struct {
	dst   *string
	valid *bool
}

func scanText(dst *string) textCol                 { return textCol{dst: dst} }
func scanOptText(dst *string, valid *bool) textCol { return textCol{dst: dst, valid: valid} }

// Scan implements sql.Scanner.
func (c textCol) Scan(src any) error {
	if c.valid != nil {
		*c.valid = src != nil
	}
	switch v := src.(type) {
	case nil:
		*c.dst = ""
	case string:
		*c.dst = v
	case []byte:
		*c.dst = string(v)
	case [16]byte: // uuid from pgx
		*c.dst = fmt.Sprintf("%x-%x-%x-%x-%x", v[0:4], v[4:6], v[6:8], v[8:10], v[10:16])
	default:
		return fmt.Errorf("scan text: unsupported type %T", src)
	}
	return nil
}

// jsonCol scans a nullable json/jsonb/text column into raw JSON, NULL
// becoming nil.
type jsonCol struct{ dst *[]byte }

func scanJSON(dst *[]byte) jsonCol { return jsonCol{dst} }

// Scan implements sql.Scanner.
func (c jsonCol) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*c.dst = nil
	case string:
		*c.dst = []byte(v)
	case []byte:
		*c.dst = append([]byte(nil), v...)
	default:
		return fmt.Errorf("scan json: unsupported type %T", src)
	}
	return nil
}

// nullText encodes "" as NULL.
func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// jsonArg encodes raw JSON as text, empty as NULL.
func jsonArg(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return string(b)
}

// eachJSONRow calls scan once per row of rows, a JSON array of one array
// of column values per row (Dialect.JSONRows), through a Rows whose Scan
// gives the destinations what the engine's driver would: integers as
// int64, text as string, NULL as nil.
func eachJSONRow(rows []byte, scan func(Rows) error) error {
	var all [][]any
	d := json.NewDecoder(bytes.NewReader(rows))
	d.UseNumber()
	if err := d.Decode(&all); err != nil {
		return fmt.Errorf("decode rows: %w", err)
	}
	for _, row := range all {
		if err := scan(jsonRow(row)); err != nil {
			return err
		}
	}
	return nil
}

// jsonRow is one row of eachJSONRow, already positioned.
type jsonRow []any

func (jsonRow) Next() bool { return false }
func (jsonRow) Err() error { return nil }
func (jsonRow) Close()     {}
func (r jsonRow) Scan(dest ...any) error {
	if len(dest) != len(r) {
		return fmt.Errorf("scan: %d destinations for %d columns", len(dest), len(r))
	}
	for i, d := range dest {
		if d == nil {
			continue // skipped (window)
		}
		v := r[i]
		if n, ok := v.(json.Number); ok {
			x, err := n.Int64()
			if err != nil {
				return fmt.Errorf("scan column %d: %w", i, err)
			}
			v = x
		}
		if err := assignJSON(d, v); err != nil {
			return fmt.Errorf("scan column %d: %w", i, err)
		}
	}
	return nil
}

// assignJSON stores v (nil, int64 or string) in dest as database/sql
// would for the kinds the scanners use.
func assignJSON(dest, v any) error {
	if s, ok := dest.(sql.Scanner); ok {
		return s.Scan(v)
	}
	d := reflect.ValueOf(dest)
	if d.Kind() != reflect.Pointer || d.IsNil() {
		return fmt.Errorf("destination %T is not a pointer", dest)
	}
	e := d.Elem()
	switch x := v.(type) {
	case string:
		if e.Kind() == reflect.String {
			e.SetString(x)
			return nil
		}
	case int64:
		switch e.Kind() {
		case reflect.Int, reflect.Int64, reflect.Int32:
			e.SetInt(x)
			return nil
		case reflect.Bool:
			e.SetBool(x != 0)
			return nil
		}
	}
	return fmt.Errorf("cannot store %T in %T", v, dest)
}
