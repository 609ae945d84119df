package ui

import (
	"bytes"
	"html"
	"regexp"
	"strconv"
	"strings"
)

// On a phone (under 600 px, paydeck.css) every table turns into a stack of
// cards, one per row, each cell led by its column's heading. The heading
// comes from the cell's data-label, which labelCells fills in from the
// table's <thead> when a page is rendered, so templates need not repeat
// every heading in every cell (and a table added later gets it too).

var (
	tablePattern = regexp.MustCompile(`(?s)<table\b.*?</table>`)
	theadPattern = regexp.MustCompile(`(?s)<thead\b.*?</thead>`)
	thPattern    = regexp.MustCompile(`(?s)<th\b([^>]*)>(.*?)</th>`)
	rowPattern   = regexp.MustCompile(`(?s)<tr\b[^>]*>.*?</tr>`)
	cellPattern  = regexp.MustCompile(`<(t[dh])\b([^>]*)>`)
	tagPattern   = regexp.MustCompile(`<[^>]*>`)
	spanPattern  = regexp.MustCompile(`colspan="?(\d+)`)
)

// labelCells returns page with a data-label attribute on every <td> of a
// table that has a <thead>: the text of the <th> above it. Cells that span
// several columns, cells that have a data-label and rows that have a
// heading of their own and a single value are left alone.
func labelCells(page []byte) []byte {
	if !bytes.Contains(page, []byte("<thead")) {
		return page
	}
	return tablePattern.ReplaceAllFunc(page, func(table []byte) []byte {
		head := theadPattern.Find(table)
		if head == nil {
			return table
		}
		var labels []string
		for _, th := range thPattern.FindAllSubmatch(head, -1) {
			text := strings.Join(strings.Fields(html.UnescapeString(string(tagPattern.ReplaceAll(th[2], nil)))), " ")
			for range span(th[1]) {
				labels = append(labels, html.EscapeString(text))
			}
		}
		end := bytes.Index(table, []byte("</thead>")) + len("</thead>")
		body := rowPattern.ReplaceAllFunc(table[end:], func(row []byte) []byte {
			// A row with its own heading and one value ("합계 30,000원")
			// needs no labels; a totals row with several values does.
			if bytes.Contains(row, []byte("<th")) && bytes.Count(row, []byte("<td")) < 2 {
				return row
			}
			col := 0
			return cellPattern.ReplaceAllFunc(row, func(td []byte) []byte {
				m := cellPattern.FindSubmatch(td)
				attrs := m[2]
				if string(m[1]) == "th" {
					col += span(attrs)
					return td
				}
				n := span(attrs)
				i := col
				col += n
				if n > 1 || i >= len(labels) || labels[i] == "" || bytes.Contains(attrs, []byte("data-label")) {
					return td
				}
				return []byte(`<td data-label="` + labels[i] + `"` + string(attrs) + `>`)
			})
		})
		return append(table[:end:end], body...)
	})
}

// span is the colspan in a cell's attributes, 1 without one.
func span(attrs []byte) int {
	if m := spanPattern.FindSubmatch(attrs); m != nil {
		if n, err := strconv.Atoi(string(m[1])); err == nil && n > 0 && n < 100 {
			return n
		}
	}
	return 1
}
