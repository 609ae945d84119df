package paydeck

// bankNames are Toss's bank codes with their Korean names (docs/toss.md#institution-codes), for showing virtual accounts and refund accounts.
var bankNames = map[string]string{
	"39": "경남은행", "34": "광주은행", "12": "지역농축협", "32": "부산은행", "45": "새마을금고", "64": "산림조합",
	"88": "신한은행", "48": "신협", "27": "씨티은행", "20": "우리은행", "71": "우체국", "50": "저축은행중앙회",
	"37": "전북은행", "35": "제주은행", "90": "카카오뱅크", "92": "토스뱅크", "81": "하나은행", "54": "HSBC",
	"03": "IBK기업은행", "06": "KB국민은행", "31": "DGB대구은행", "02": "KDB산업은행", "11": "NH농협은행",
	"23": "SC제일은행", "07": "Sh수협은행",
}

// BankName returns the bank's Korean name for a Toss bank code, or the code
// itself.
func BankName(code string) string {
	if n, ok := bankNames[code]; ok {
		return n
	}
	return code
}
