package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/ui"
)

// timelineEntry is one audit event as the order page shows it: a sentence
// in the page's language and who caused it, with the raw event behind a
// disclosure.
type timelineEntry struct {
	*paydeck.PaymentEvent
	Sentence string
	// Who names the account that caused the event ("관리자 admin@…").
	Who string
	// ByAdmin marks an action of the shop's staff.
	ByAdmin bool
	// Raw is the event as indented JSON.
	Raw string
}

// eventMeta is an event's metadata, decoded with numbers kept exact.
type eventMeta map[string]any

func decodeMeta(raw json.RawMessage) eventMeta {
	m := eventMeta{}
	if len(raw) == 0 {
		return m
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	_ = d.Decode(&m)
	return m
}

func (m eventMeta) str(k string) string {
	switch v := m[k].(type) {
	case string:
		return v
	case json.Number:
		return v.String()
	case nil:
		return ""
	default:
		return fmt.Sprint(v)
	}
}

func (m eventMeta) amount(k string) (int64, bool) {
	n, ok := m[k].(json.Number)
	if !ok {
		return 0, false
	}
	i, err := strconv.ParseInt(n.String(), 10, 64)
	return i, err == nil
}

// timeline turns the order's events into entries, reading the accounts
// that caused them in one query.
func timeline(ctx context.Context, tx paydeck.Tx, v *ui.View, events []*paydeck.PaymentEvent,
	refunds map[string]*paydeck.Refund) ([]timelineEntry, error) {
	var ids []string
	for _, e := range events {
		if e.ActorID != "" && !slices.Contains(ids, e.ActorID) {
			ids = append(ids, e.ActorID)
		}
	}
	actors := map[string]*paydeck.User{}
	if len(ids) > 0 {
		users, _, err := tx.FindUsers(ctx, paydeck.UserFilter{IDs: ids})
		if err != nil {
			return nil, err
		}
		for _, u := range users {
			actors[u.ID] = u
		}
	}
	out := make([]timelineEntry, 0, len(events))
	for _, e := range events {
		te := timelineEntry{PaymentEvent: e, Sentence: eventSentence(v, e, refunds)}
		switch u := actors[e.ActorID]; {
		case u != nil && u.Role == paydeck.RoleAdmin:
			te.Who, te.ByAdmin = v.T("who.admin", u.Email), true
		case u != nil:
			te.Who = v.T("who.customer", u.Email)
		case e.ActorID != "":
			te.Who = v.T("who.deleted", e.ActorID)
		case e.Type == paydeck.EventWebhookReceived:
			te.Who = v.T("who.toss")
		default:
			te.Who = v.T("who.system")
		}
		if b, err := json.MarshalIndent(e, "", "  "); err == nil {
			te.Raw = string(b)
		}
		out = append(out, te)
	}
	return out, nil
}

// eventSentence says what e recorded in v's language. Types without a
// sentence of their own fall back to their word and the stored message.
func eventSentence(v *ui.View, e *paydeck.PaymentEvent, refunds map[string]*paydeck.Refund) string {
	m := decodeMeta(e.Metadata)
	won := func(k string) string {
		if n, ok := m.amount(k); ok {
			return v.Won(n)
		}
		return "—"
	}
	reason := func() string {
		if r := refunds[m.str("refundId")]; r != nil {
			return r.Reason
		}
		_, after, _ := strings.Cut(e.Message, ": ")
		return after
	}
	code := func() string {
		if c := m.str("code"); c != "" {
			return c
		}
		return "—"
	}
	key := "event." + string(e.Type)
	switch e.Type {
	case paydeck.EventCreated:
		if _, ok := m.amount("finalAmount"); ok {
			return v.T(key, won("finalAmount"))
		}
		return v.T("event.created_plain")
	case "confirm_requested", paydeck.EventApproved, paydeck.EventDepositReceived, "billing_charge_requested":
		return v.T(key, won("amount"))
	case paydeck.EventConfirmRejected:
		return v.T(key, won("amount"), v.Word(m.str("orderStatus")))
	case "virtual_account_issued":
		return v.T(key, v.Bank(m.str("bankCode")), won("amount"))
	case paydeck.EventFailed, "billing_charge_declined", "attempt_failed":
		return v.T(key, code())
	case paydeck.EventRefundRequested:
		return v.T(key, won("amount"), reason())
	case paydeck.EventRefundCompleted:
		if _, ok := m.amount("balanceAmount"); ok {
			return v.T(key, won("amount"), won("balanceAmount"))
		}
		return v.T("event.refund_completed_back", won("amount"))
	case paydeck.EventRefundFailed:
		return v.T(key, won("amount"), code())
	case "cancel_back":
		return v.T(key, won("amount"))
	case "owner_task":
		return v.T(key, won("amount"), code())
	case paydeck.EventExpired:
		if e.PaymentID != "" {
			return v.T("event.expired_account", won("amount"))
		}
		return v.T(key)
	case paydeck.EventCanceled, "shipped", "delivered", "confirm_unknown", paydeck.EventWebhookReceived,
		"payment_key_released":
		return v.T(key)
	}
	return v.Word(e.Type) + ": " + e.Message
}

// detailRow is one line of the Toss payment details table.
type detailRow struct{ Label, Value string }

// detailOrder is the order in which known Toss method-detail fields are
// listed; others follow in name order.
var detailOrder = []string{"number", "issuerCode", "acquirerCode", "cardType", "ownerType", "installmentPlanMonths",
	"isInterestFree", "interestPayer", "approveNo", "useCardPoint", "acquireStatus", "amount", "provider",
	"discountAmount", "bankCode", "customerMobilePhone", "settlementStatus", "receiptUrl"}

// cardIssuers are Toss's card company codes (issuerCode, acquirerCode).
var cardIssuers = map[string][2]string{
	"11": {"KB국민카드", "KB Kookmin Card"}, "21": {"하나카드", "Hana Card"}, "31": {"BC카드", "BC Card"},
	"41": {"신한카드", "Shinhan Card"}, "51": {"삼성카드", "Samsung Card"}, "61": {"현대카드", "Hyundai Card"},
	"71": {"롯데카드", "Lotte Card"}, "91": {"NH농협카드", "NH Nonghyup Card"}, "33": {"우리카드", "Woori Card"},
	"W1": {"우리카드", "Woori Card"}, "15": {"카카오뱅크", "KakaoBank"}, "24": {"토스뱅크", "Toss Bank"},
}

// tossWords are the Korean values Toss puts in method details (card type,
// owner type, easy-pay provider) with their English words.
var tossWords = map[string]string{
	"신용": "Credit", "체크": "Debit", "기프트": "Gift", "개인": "Personal", "법인": "Corporate", "미확인": "Unknown",
	"토스페이": "Toss Pay", "네이버페이": "Naver Pay", "카카오페이": "Kakao Pay", "삼성페이": "Samsung Pay", "애플페이": "Apple Pay",
	"엘페이": "L.pay", "페이코": "PAYCO", "SSG페이": "SSG Pay", "핀페이": "Pin Pay", "KB페이": "KB Pay",
}

// methodDetails renders a payment's Toss method details (card, easy pay,
// transfer, …) as labelled rows in v's language.
func methodDetails(v *ui.View, raw json.RawMessage) []detailRow {
	m := decodeMeta(raw)
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	rank := func(k string) int {
		if i := slices.Index(detailOrder, k); i >= 0 {
			return i
		}
		return len(detailOrder)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
	var rows []detailRow
	for _, k := range keys {
		val := m[k]
		if val == nil {
			continue
		}
		label := v.T("toss." + k)
		if label == "toss."+k {
			label = k
		}
		var s string
		switch x := val.(type) {
		case bool:
			s = v.T("no")
			if x {
				s = v.T("yes")
			}
		case json.Number:
			n, _ := strconv.ParseInt(x.String(), 10, 64)
			switch {
			case k == "installmentPlanMonths" && n == 0:
				s = v.T("toss.lumpsum")
			case k == "installmentPlanMonths":
				s = v.T("toss.months", n)
			case strings.Contains(strings.ToLower(k), "amount"):
				s = v.Won(n)
			default:
				s = x.String()
			}
		case string:
			s = x
			if name, ok := cardIssuers[x]; ok && (k == "issuerCode" || k == "acquirerCode") {
				s = name[0] + " (" + x + ")"
				if v.Lang == ui.English {
					s = name[1] + " (" + x + ")"
				}
			} else if k == "bankCode" {
				s = v.Bank(x) + " (" + x + ")"
			} else if w := v.T("toss.state." + x); (k == "acquireStatus" || k == "settlementStatus") && w != "toss.state."+x {
				s = w
			} else if en, ok := tossWords[x]; ok && v.Lang == ui.English {
				s = en
			} else if w := v.Word(x); w != x {
				s = w
			}
		default:
			b, _ := json.Marshal(x)
			s = string(b)
		}
		if s == "" {
			continue
		}
		rows = append(rows, detailRow{Label: label, Value: s})
	}
	return rows
}

// prettyJSON indents raw JSON for a disclosure; raw as is when it is not
// JSON.
func prettyJSON(raw json.RawMessage) string {
	var buf bytes.Buffer
	if json.Indent(&buf, raw, "", "  ") != nil {
		return string(raw)
	}
	return buf.String()
}
