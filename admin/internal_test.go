package admin

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestColumnChartScales(t *testing.T) {
	t.Parallel()
	c := newColumnChart([]string{"a", "b", "c"}, []int64{0, 50, 100})
	require.Equal(t, int64(100), c.Max)
	require.Len(t, c.Bars, 3)
	require.Zero(t, c.Bars[0].H)
	require.Equal(t, chartHeight-2*chartPadding, c.Bars[2].H)
	require.Equal(t, c.Bars[2].H/2, c.Bars[1].H)
	for _, b := range c.Bars {
		require.Equal(t, c.Baseline, b.Y+b.H, "bars stand on the baseline")
		require.LessOrEqual(t, b.X+b.W, chartWidth-chartPadding)
	}
	require.Equal(t, 1, newColumnChart([]string{"a", "b"}, []int64{1, 1_000_000_000}).Bars[0].H, "tiny values stay visible")
	require.Empty(t, newColumnChart(nil, nil).Bars)
}

func TestRowChartScales(t *testing.T) {
	t.Parallel()
	c := newRowChart([]string{"card", "transfer"}, []int64{200, 100})
	require.Equal(t, 2*barRowH, c.Height)
	require.Equal(t, 2*c.Bars[1].W, c.Bars[0].W)
	require.Less(t, c.Bars[0].X+c.Bars[0].W, chartWidth)
}

func TestParseList(t *testing.T) {
	t.Parallel()
	l := parseList(map[string][]string{"from": {"2026-11-01"}, "to": {"2026-11-30"}, "page": {"3"}, "status": {"paid"}})
	require.Equal(t, 60, l.offset())
	require.Equal(t, "2026-10-31T15:00:00Z", l.from.UTC().Format("2006-01-02T15:04:05Z"))
	require.Equal(t, "2026-11-30T15:00:00Z", l.before.UTC().Format("2006-01-02T15:04:05Z"), "the to day is included")
	require.Equal(t, "/x?from=2026-11-01&page=4&status=paid&to=2026-11-30", l.pageURL("/x", 4))
	bad := parseList(map[string][]string{"from": {"yesterday"}, "page": {"-2"}})
	require.Nil(t, bad.from)
	require.Equal(t, 1, bad.Page)
}
