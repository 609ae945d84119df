package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// BOM is the UTF-8 byte order mark. Excel reads a CSV file without it in
// the system's code page (CP949 on Korean Windows), which garbles Hangul.
const BOM = "\uFEFF"

// Sheet writes CSV meant to be opened in a spreadsheet: every export of
// paydeck (settlements, orders) goes through it. Text cells are
// neutralised against formula injection (Neutralize); numbers are written
// as numbers.
type Sheet struct {
	w *csv.Writer
}

// NewSheet starts a sheet on w: the BOM first when bom is set (files for
// people; machine clients of the API get none), then the header row.
func NewSheet(w io.Writer, bom bool, header ...string) *Sheet {
	s := &Sheet{w: csv.NewWriter(w)}
	if bom {
		if _, err := io.WriteString(w, BOM); err != nil {
			s.w = csv.NewWriter(failWriter{err})
		}
	}
	s.Row(toCells(header)...)
	return s
}

// Cell is one value of a row: Text or Num.
type Cell struct {
	s string
}

// Text is a text cell; anything a shopper or an admin typed must be one.
func Text(s string) Cell { return Cell{Neutralize(s)} }

// Num is a number cell (won amounts, counts), written as is so that a
// negative amount stays a number.
func Num[T ~int | ~int64](n T) Cell { return Cell{strconv.FormatInt(int64(n), 10)} }

func toCells(ss []string) []Cell {
	out := make([]Cell, len(ss))
	for i, s := range ss {
		out[i] = Text(s)
	}
	return out
}

// Row writes one row. Write errors are kept for Close.
func (s *Sheet) Row(cells ...Cell) {
	rec := make([]string, len(cells))
	for i, c := range cells {
		rec[i] = c.s
	}
	_ = s.w.Write(rec)
}

// Close flushes the sheet and returns the first write error.
func (s *Sheet) Close() error {
	s.w.Flush()
	return s.w.Error()
}

// Neutralize returns s with a leading apostrophe when it starts with a
// character that makes spreadsheets read a cell as a formula ('=', '+',
// '-', '@', tab, carriage return), as OWASP advises for CSV injection:
// the cell then shows as the text it was.
func Neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

type failWriter struct{ err error }

func (f failWriter) Write([]byte) (int, error) { return 0, f.err }
