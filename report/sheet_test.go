package report_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/report"
)

func TestNeutralize(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"=SUM(A1)": "'=SUM(A1)", "+82": "'+82", "-1": "'-1", "@cmd": "'@cmd", "\tx": "'\tx", "\rx": "'\rx",
		"": "", "홍길동": "홍길동", "a=b": "a=b", "'=x": "'=x", "010-1234": "010-1234",
	} {
		require.Equal(t, want, report.Neutralize(in), "%q", in)
	}
}

func TestSheet(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	s := report.NewSheet(&buf, true, "이름", "=금액")
	s.Row(report.Text("=cmd|' /C calc'!A0"), report.Num(int64(-3000)))
	s.Row(report.Text("\t메모"), report.Num(7))
	require.NoError(t, s.Close())
	require.True(t, strings.HasPrefix(buf.String(), "\uFEFF"))
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(buf.String(), "\uFEFF"))).ReadAll()
	require.NoError(t, err)
	require.Equal(t, [][]string{{"이름", "'=금액"}, {"'=cmd|' /C calc'!A0", "-3000"}, {"'\t메모", "7"}}, rows,
		"text neutralised, numbers (negative ones too) kept")

	buf.Reset()
	s = report.NewSheet(&buf, false, "a")
	require.NoError(t, s.Close())
	require.Equal(t, "a\n", buf.String(), "no BOM for machine clients")
}
