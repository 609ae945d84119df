package sqlcore

import "testing"

func TestRebindDollar(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"UPDATE t SET a = ?, b = '가나다' WHERE id = ?", "UPDATE t SET a = $1, b = '가나다' WHERE id = $2"},
		{"VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"},
	} {
		for range 2 { // the second call answers from the cache
			if got := RebindDollar(tc.in); got != tc.want {
				t.Errorf("RebindDollar(%q) = %q, want %q", tc.in, got, tc.want)
			}
		}
	}
}
