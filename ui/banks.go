package ui

import "github.com/paydeck/paydeck"

// RefundBanks are the codes offered in refund-account forms, in display order.
var RefundBanks = []string{"06", "88", "20", "81", "11", "03", "90", "92", "23", "71", "07", "02", "31", "32", "39", "34", "37", "35", "45", "48"}

// Bank returns the bank's name for a Toss bank code, or the code itself.
func (v *View) Bank(code string) string {
	return paydeck.BankName(code)
}
