package web

import (
	_ "embed"
	"net/http"
	"net/url"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/payment"
	"github.com/paydeck/paydeck/subscription"
)

// The shopper's subscription pages: plans, subscribe through Toss's billing
// window (requestBillingAuth; the sandbox's in sandbox mode), a
// subscription's next charge and past charges, change card, cancel (now
// or at period end) and resume.

//go:embed static/billing.js
var billingJS []byte

// registerSubscriptions serves the billing window's script; Register
// calls it when the subscription service is configured.
func (a *app) registerSubscriptions(mux *http.ServeMux) {
	mux.HandleFunc("GET /static/billing.js", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/javascript; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, _ = w.Write(billingJS)
	})
}

// subscriptionRoutes are the routes of the subscription pages.
func (a *app) subscriptionRoutes() map[string]http.HandlerFunc {
	return map[string]http.HandlerFunc{
		"GET /subscriptions":                   a.subscriptions,
		"GET /subscriptions/new/{planId}":      a.subscribeForm,
		"GET /subscriptions/billing/success":   a.subscribeSuccess,
		"GET /subscriptions/billing/fail":      a.billingFail,
		"GET /subscriptions/{id}":              a.subscriptionPage,
		"GET /subscriptions/{id}/card/success": a.cardSuccess,
		"POST /subscriptions/{id}/cancel":      a.subscriptionCancel,
		"POST /subscriptions/{id}/resume":      a.subscriptionResume,
	}
}

// subscriptionsPage lists the plans on offer and the shopper's
// subscriptions.
type subscriptionsPage struct {
	Plans         []*paydeck.Plan
	Subscriptions []*subscription.Details
}

func (a *app) subscriptions(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	var p subscriptionsPage
	var err error
	if p.Plans, err = a.d.Subscriptions.Plans(r.Context(), actorOrVisitor(r, rq.user)); err != nil {
		a.error(w, r, rq, err)
		return
	}
	if rq.user != nil {
		if p.Subscriptions, _, err = a.d.Subscriptions.Subscriptions(r.Context(), actor(r, rq.user),
			paydeck.SubscriptionFilter{}, false); err != nil {
			a.error(w, r, rq, err)
			return
		}
	}
	rq.view.Title, rq.view.Data = "sub.title", p
	a.pages.Render(w, http.StatusOK, "subscriptions.html", rq.view)
}

// billingWindow is what billing.js needs to open the billing window.
type billingWindow struct {
	ClientKey, CustomerKey, SDKURL string
	SuccessURL, FailURL            string
	CustomerEmail, Name            string
}

func (a *app) window(user *paydeck.User, success string) billingWindow {
	return billingWindow{ClientKey: a.d.BillingClientKey, CustomerKey: a.d.Subscriptions.CustomerKey(user.ID),
		SDKURL: a.d.SDKScriptURL, SuccessURL: a.d.PublicURL + success, FailURL: a.d.PublicURL + "/subscriptions/billing/fail",
		CustomerEmail: user.Email, Name: user.Name}
}

// subscribePage is a plan and the button that registers a card for it.
type subscribePage struct {
	Plan   *paydeck.Plan
	Window billingWindow
}

func (a *app) subscribeForm(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	plan, err := a.d.Subscriptions.Plan(r.Context(), actor(r, user), r.PathValue("planId"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	rq.view.Title = "sub.subscribe"
	rq.view.Data = subscribePage{Plan: plan,
		Window: a.window(user, "/subscriptions/billing/success?planId="+url.QueryEscape(plan.ID))}
	a.pages.Render(w, http.StatusOK, "subscribe.html", rq.view)
}

// subscribeSuccess is the billing window's success redirect: it issues the
// billing key, charges the first period and shows the subscription.
func (a *app) subscribeSuccess(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	q := r.URL.Query()
	d, err := a.d.Subscriptions.Subscribe(r.Context(), actor(r, user), subscription.SubscribeInput{
		PlanID: q.Get("planId"), AuthKey: q.Get("authKey"), CustomerKey: q.Get("customerKey")})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/subscriptions/"+d.ID, http.StatusSeeOther)
}

// billingFail explains a billing window that did not register a card.
func (a *app) billingFail(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	q := r.URL.Query()
	a.renderFail(w, r, rq, failPage{Code: q.Get("code"), Message: q.Get("message")}, nil, nil)
}

// subscriptionView is one subscription with the card-change window.
type subscriptionView struct {
	*subscription.Details
	Window billingWindow
	Live   bool
}

func (a *app) subscriptionPage(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	d, err := a.d.Subscriptions.Subscription(r.Context(), actor(r, user), r.PathValue("id"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	rq.view.Title = "sub.one"
	rq.view.Data = subscriptionView{Details: d, Live: !d.Status.Final(),
		Window: a.window(user, "/subscriptions/"+d.ID+"/card/success")}
	a.pages.Render(w, http.StatusOK, "subscription.html", rq.view)
}

// cardSuccess is the card-change window's success redirect.
func (a *app) cardSuccess(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	d, err := a.d.Subscriptions.UpdateCard(r.Context(), actor(r, user), r.PathValue("id"), r.URL.Query().Get("authKey"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/subscriptions/"+d.ID, http.StatusSeeOther)
}

// subscriptionCancel cancels at period end (when=end) or now (when=now,
// with the prorated refund).
func (a *app) subscriptionCancel(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	when := r.PostFormValue("when")
	if when != "end" && when != "now" {
		a.error(w, r, rq, paydeck.Reasonf(paydeck.CodeInvalid, paydeck.ReasonCancelWhen, "Choose when to cancel: at period end or now."))
		return
	}
	d, err := a.d.Subscriptions.Cancel(r.Context(), actor(r, user), r.PathValue("id"), when == "end")
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/subscriptions/"+d.ID, http.StatusSeeOther)
}

func (a *app) subscriptionResume(w http.ResponseWriter, r *http.Request) {
	rq := a.begin(w, r)
	user := a.requireUser(w, r, rq)
	if user == nil {
		return
	}
	d, err := a.d.Subscriptions.Resume(r.Context(), actor(r, user), r.PathValue("id"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	http.Redirect(w, r, "/subscriptions/"+d.ID, http.StatusSeeOther)
}

// actorOrVisitor is actor for a signed-in user and an anonymous one
// otherwise.
func actorOrVisitor(r *http.Request, u *paydeck.User) payment.Actor {
	if u == nil {
		return payment.Actor{IP: clientIP(r), UserAgent: r.UserAgent()}
	}
	return actor(r, u)
}

func init() {
	for k, v := range subscriptionMessages {
		messages[k] = v
	}
}

// subscriptionMessages are the subscription pages' texts.
var subscriptionMessages = map[string][2]string{
	"sub.title":        {"정기결제", "Subscriptions"},
	"sub.plans":        {"구독 상품", "Plans"},
	"sub.noplans":      {"구독할 수 있는 상품이 없습니다.", "No plans on offer."},
	"sub.mine":         {"내 구독", "My subscriptions"},
	"sub.none":         {"구독 중인 상품이 없습니다.", "You have no subscriptions."},
	"sub.signin":       {"로그인하면 구독할 수 있습니다.", "Sign in to subscribe."},
	"sub.subscribe":    {"구독하기", "Subscribe"},
	"sub.one":          {"구독 정보", "Subscription"},
	"sub.plan":         {"상품", "Plan"},
	"sub.amount":       {"금액", "Amount"},
	"sub.every":        {"결제 주기", "Billed every"},
	"sub.interval":     {"%d%s마다", "%d %s"},
	"sub.trial":        {"무료 체험 %d일", "%d-day free trial"},
	"sub.status":       {"상태", "Status"},
	"sub.period":       {"현재 이용 기간", "Current period"},
	"sub.next":         {"다음 결제", "Next charge"},
	"sub.nonext":       {"예정된 결제가 없습니다.", "No charge scheduled."},
	"sub.card":         {"카드", "Card"},
	"sub.needscard":    {"카드가 삭제되었습니다. 새 카드를 등록해 주세요.", "Your card was removed. Please register a new one."},
	"sub.pastdue":      {"결제가 실패했습니다. %s에 다시 시도하며, 카드를 바꾸면 바로 결제합니다.", "The charge failed. We try again on %s; changing the card charges at once."},
	"sub.ending":       {"%s에 구독이 종료됩니다.", "The subscription ends on %s."},
	"sub.charges":      {"결제 내역", "Charges"},
	"sub.nocharges":    {"아직 결제 내역이 없습니다.", "No charges yet."},
	"sub.periodno":     {"회차", "Period"},
	"sub.paidat":       {"결제일", "Paid on"},
	"sub.refunded":     {"환불", "Refunded"},
	"sub.receipt":      {"영수증", "Receipt"},
	"sub.changecard":   {"카드 변경", "Change card"},
	"sub.cancelend":    {"이용 기간 끝에 해지", "Cancel at period end"},
	"sub.cancelnow":    {"지금 해지 (남은 일수 환불)", "Cancel now (refund unused days)"},
	"sub.resume":       {"해지 취소", "Resume"},
	"sub.refundrule":   {"지금 해지하면 남은 기간 중 온전한 날수만큼 일할 계산해 환불합니다 (금액 × 남은 일수 ÷ 기간 일수, 원 단위 내림).", "Cancelling now refunds the unused whole days: amount × unused days ÷ days in the period, rounded down to the won."},
	"sub.register":     {"카드 등록하고 구독하기", "Register a card and subscribe"},
	"sub.firstcharge":  {"카드를 등록하면 첫 결제 %s이(가) 바로 진행됩니다.", "Registering the card charges the first %s at once."},
	"sub.aftertrial":   {"체험 기간이 끝나면 %s이(가) 결제됩니다.", "%s is charged when the trial ends."},
	"sub.error":        {"카드 등록 창을 열 수 없습니다", "The card registration window could not open"},
	"interval.month":   {"개월", "month(s)"},
	"interval.year":    {"년", "year(s)"},
	"interval.day":     {"일", "day(s)"},
	"status.trialing":  {"무료 체험", "trialing"},
	"status.active":    {"이용 중", "active"},
	"status.past_due":  {"결제 실패", "past due"},
	"status.abandoned": {"포기", "abandoned"},
}
