package ui

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/paydeck/paydeck"
)

// QuantityLines reads the qty_{productId} fields of a posted form (a
// shipment's or a return's lines, in the shop and the admin alike): empty
// fields and zeros are skipped, anything but a whole number ≥ 0 is refused.
// The lines come in product ID order, so the same form gives the same lines.
func QuantityLines(form url.Values) ([]paydeck.ShipmentLine, error) {
	var lines []paydeck.ShipmentLine
	for key, vals := range form {
		id, ok := strings.CutPrefix(key, "qty_")
		if !ok || len(vals) == 0 || strings.TrimSpace(vals[0]) == "" {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(vals[0]), 10, 64)
		if err != nil || n < 0 {
			return nil, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonNotANumber, "%s must be a whole number.", "A quantity")
		}
		if n > 0 {
			lines = append(lines, paydeck.ShipmentLine{ProductID: id, Quantity: n})
		}
	}
	sort.Slice(lines, func(i, j int) bool { return lines[i].ProductID < lines[j].ProductID })
	return lines, nil
}
