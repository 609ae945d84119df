package sandbox

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// defaultTestCard is the card the payment window "uses" for CARD payments.
const defaultTestCard = "4330123412341234"

// domesticIssuers are card company codes (docs/toss.md#institution-codes); a card's
// issuer is picked from its number so the same card always gets the same one.
var domesticIssuers = [...]code2{{'1', '1'}, {'2', '1'}, {'3', '1'}, {'4', '1'}, {'5', '1'}, {'6', '1'}, {'7', '1'}, {'9', '1'}}

// cardCompanyNames are the pre-2024-06-01 Billing.cardCompany values.
var cardCompanyNames = map[string]string{
	"11": "국민", "21": "하나", "31": "비씨", "41": "신한", "51": "삼성", "61": "현대", "71": "롯데", "91": "농협",
}

// maskCard renders a card number as Toss does: first 8 digits, then ****,
// three digits, and * for the rest ("43301234****123*").
func maskCard(number string) string {
	b := []byte(number)
	for i := range b {
		if i >= 8 && (i < 12 || i >= 15) {
			b[i] = '*'
		}
	}
	return string(b)
}

func cardFor(number string, corporate bool, installment uint8) *card {
	sum := 0
	for i := 0; i < 6 && i < len(number); i++ {
		sum += int(number[i] - '0')
	}
	issuer := domesticIssuers[sum%len(domesticIssuers)]
	return &card{Number: maskCard(number), Issuer: issuer, Acquirer: issuer, Installment: installment, Corporate: corporate}
}

// cardData is the raw card input of key-in and billing-by-card requests.
type cardData struct {
	CardNumber             string `json:"cardNumber"`
	CardExpirationYear     string `json:"cardExpirationYear"`
	CardExpirationMonth    string `json:"cardExpirationMonth"`
	CardPassword           string `json:"cardPassword"`
	CustomerIdentityNumber string `json:"customerIdentityNumber"`
	CustomerName           string `json:"customerName"`
	CustomerEmail          string `json:"customerEmail"`
}

// validate checks raw card data against the rules of docs/toss.md#key-in and the
// codes of docs/toss.md#endpoint-errors, at sandbox time now.
func (d *cardData) validate(now int64) *apiError {
	if n := len(d.CardNumber); n < 13 || n > 20 || !digitsOnly(d.CardNumber) {
		return newError("INVALID_CARD_NUMBER", "카드번호를 다시 확인해주세요.")
	}
	yy, errY := strconv.Atoi(d.CardExpirationYear)
	mm, errM := strconv.Atoi(d.CardExpirationMonth)
	if len(d.CardExpirationYear) != 2 || len(d.CardExpirationMonth) != 2 || errY != nil || errM != nil || mm < 1 || mm > 12 {
		return newError("INVALID_CARD_EXPIRATION", "카드 정보를 다시 확인해주세요. (유효기간)")
	}
	t := kstTime(now)
	if 2000+yy < t.Year() || (2000+yy == t.Year() && time.Month(mm) < t.Month()) {
		return newError("INVALID_CARD_EXPIRATION", "카드 정보를 다시 확인해주세요. (유효기간)")
	}
	if n := len(d.CustomerIdentityNumber); (n != 6 && n != 10) || !digitsOnly(d.CustomerIdentityNumber) {
		return newError("INVALID_BIRTH_DAY_FORMAT", "생년월일 정보는 6자리의 yyMMdd 형식이어야 합니다. 사업자등록번호는 10자리의 숫자여야 합니다.")
	}
	if d.CardPassword != "" && (len(d.CardPassword) != 2 || !digitsOnly(d.CardPassword)) {
		return newError("INVALID_CARD_PASSWORD", "카드 정보를 다시 확인해주세요. (비밀번호)")
	}
	if utf8.RuneCountInString(d.CustomerName) > 100 {
		return errInvalid("customerName은 100자 이하여야 합니다.")
	}
	return validateCustomer("", "", d.CustomerEmail, "")
}

func (d *cardData) corporate() bool { return len(d.CustomerIdentityNumber) == 10 }

// bankNames are the bank codes of docs/toss.md#institution-codes.
var bankNames = map[string]string{
	"39": "경남", "34": "광주", "12": "지역농축협", "32": "부산", "45": "새마을금고", "64": "산림조합",
	"88": "신한", "48": "신협", "27": "씨티", "20": "우리", "71": "우체국", "50": "저축은행중앙회",
	"37": "전북", "35": "제주", "90": "카카오뱅크", "92": "토스뱅크", "81": "하나", "54": "HSBC",
	"03": "IBK기업", "06": "KB국민", "31": "DGB대구", "02": "KDB산업", "11": "NH농협", "23": "SC제일", "07": "Sh수협",
}

// vaBanks are the banks that issue virtual accounts (docs/toss.md#virtual-account-issue), by code,
// with the Korean names a request may use instead.
var vaBanks = map[string]string{
	"39": "경남", "34": "광주", "06": "국민", "03": "기업", "11": "농협", "31": "대구",
	"32": "부산", "45": "새마을", "07": "수협", "88": "신한", "20": "우리", "71": "우체국", "81": "하나",
}

// vaBankCode resolves a request's bank (numeric code or Korean name).
func vaBankCode(bank string) (string, bool) {
	if _, ok := vaBanks[bank]; ok {
		return bank, true
	}
	for code, name := range vaBanks {
		if name == bank || bankNames[code] == bank {
			return code, true
		}
	}
	return "", false
}
