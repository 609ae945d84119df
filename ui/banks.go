package ui

import "github.com/paydeck/paydeck"

// RefundBanks are the codes offered in refund-account forms, in display order.
var RefundBanks = []string{"06", "88", "20", "81", "11", "03", "90", "92", "23", "71", "07", "02", "31", "32", "39", "34", "37", "35", "45", "48"}

// bankNamesEn are the English names of Toss's bank codes (paydeck.BankName
// has the Korean ones).
var bankNamesEn = map[string]string{
	"39": "Kyongnam Bank", "34": "Kwangju Bank", "12": "Local Nonghyup", "32": "Busan Bank", "45": "MG Saemaul Geumgo",
	"64": "Korea Forestry Cooperatives", "88": "Shinhan Bank", "48": "Shinhyup", "27": "Citibank Korea", "20": "Woori Bank",
	"71": "Korea Post", "50": "Savings Bank", "37": "Jeonbuk Bank", "35": "Jeju Bank", "90": "KakaoBank", "92": "Toss Bank",
	"81": "Hana Bank", "54": "HSBC", "03": "IBK Industrial Bank", "06": "KB Kookmin Bank", "31": "iM Bank (DGB Daegu)",
	"02": "KDB Korea Development Bank", "11": "NH Nonghyup Bank", "23": "SC First Bank", "07": "Suhyup Bank",
}

// Bank returns the bank's name for a Toss bank code in the view's
// language, or the code itself.
func (v *View) Bank(code string) string {
	if n, ok := bankNamesEn[code]; ok && v.Lang == English {
		return n
	}
	return paydeck.BankName(code)
}
