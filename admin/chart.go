package admin

// Charts are drawn on the server as SVG: the template gets the geometry,
// no script runs in the browser.

// chart sizes, in SVG user units.
const (
	chartWidth   = 720
	chartHeight  = 220
	chartPadding = 24
	barLabelW    = 150
	barRowH      = 28
)

// bar is one bar of a chart with its position and label.
type bar struct {
	X, Y, W, H int
	Label      string
	Value      int64
}

// columnChart is a vertical bar chart (revenue per day).
type columnChart struct {
	Width, Height, Baseline int
	Bars                    []bar
	Max                     int64
}

// newColumnChart scales values (one per label) to the chart's height.
func newColumnChart(labels []string, values []int64) columnChart {
	c := columnChart{Width: chartWidth, Height: chartHeight, Baseline: chartHeight - chartPadding}
	for _, v := range values {
		c.Max = max(c.Max, v)
	}
	if len(values) == 0 {
		return c
	}
	slot := (chartWidth - 2*chartPadding) / len(values)
	plot := int64(chartHeight - 2*chartPadding)
	for i, v := range values {
		h := 0
		if c.Max > 0 && v > 0 {
			h = max(int(v*plot/c.Max), 1)
		}
		c.Bars = append(c.Bars, bar{X: chartPadding + i*slot + 1, Y: c.Baseline - h, W: max(slot-2, 1), H: h,
			Label: labels[i], Value: v})
	}
	return c
}

// rowChart is a horizontal bar chart (revenue by payment method). The page
// draws its labels and values as text beside each bar (readable at phone
// width) and each bar in a Plot-wide SVG.
type rowChart struct {
	Width, Height, LabelWidth, Plot int
	Bars                            []bar
}

// newRowChart scales values (one per label) to the chart's width.
func newRowChart(labels []string, values []int64) rowChart {
	c := rowChart{Width: chartWidth, Height: max(len(values), 1) * barRowH, LabelWidth: barLabelW}
	var top int64
	for _, v := range values {
		top = max(top, v)
	}
	plot := int64(chartWidth - barLabelW - 110)
	c.Plot = int(plot)
	for i, v := range values {
		w := 0
		if top > 0 && v > 0 {
			w = max(int(v*plot/top), 1)
		}
		c.Bars = append(c.Bars, bar{X: barLabelW, Y: i*barRowH + 4, W: w, H: barRowH - 8, Label: labels[i], Value: v})
	}
	return c
}
