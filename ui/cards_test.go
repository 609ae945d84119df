package ui

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLabelCells: each body cell gets its column's heading as data-label
// (markup and entities in the heading reduced to text); spanning cells,
// cells with their own label and tables without a head are left alone.
func TestLabelCells(t *testing.T) {
	t.Parallel()
	in := `<p>x</p><table><thead><tr><th>주문번호</th><th class="num">금액 <small>(원)</small></th><th colspan="2">A &amp; B</th></tr></thead>
<tbody><tr><td><a href="/o/1">1</a></td><td class="num">1,000</td><td>a</td><td data-label="own">b</td></tr>
<tr><td colspan="4">가상계좌</td></tr></tbody><tfoot><tr><th colspan="3">합계</th><td>1,000</td></tr><tr><th>합계</th><td>1</td><td>2</td></tr></tfoot></table>
<table><tr><td>plain</td></tr></table>`
	want := `<p>x</p><table><thead><tr><th>주문번호</th><th class="num">금액 <small>(원)</small></th><th colspan="2">A &amp; B</th></tr></thead>
<tbody><tr><td data-label="주문번호"><a href="/o/1">1</a></td><td data-label="금액 (원)" class="num">1,000</td><td data-label="A &amp; B">a</td><td data-label="own">b</td></tr>
<tr><td colspan="4">가상계좌</td></tr></tbody><tfoot><tr><th colspan="3">합계</th><td>1,000</td></tr><tr><th>합계</th><td data-label="금액 (원)">1</td><td data-label="A &amp; B">2</td></tr></tfoot></table>
<table><tr><td>plain</td></tr></table>`
	require.Equal(t, want, string(labelCells([]byte(in))))
	require.Equal(t, "<p>no tables</p>", string(labelCells([]byte("<p>no tables</p>"))))
}
