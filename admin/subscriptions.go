package admin

import (
	"net/http"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/admin/form"
	"github.com/paydeck/paydeck/subscription"
	"github.com/paydeck/paydeck/ui"
)

// The admin's subscription pages: plans CRUD, the subscription list with
// status filters, a subscription's timeline with manual retry and cancel.
// MRR and churn are on the dashboard (subscriptionStats).

// subscriptionRoutes are the routes of these pages (none without the
// service).
func (a *app) subscriptionRoutes() map[string]func(http.ResponseWriter, *http.Request, *request) {
	return map[string]func(http.ResponseWriter, *http.Request, *request){
		"GET /admin/plans":                      a.plans,
		"POST /admin/plans":                     a.planCreate,
		"POST /admin/plans/{id}":                a.planSave,
		"GET /admin/subscriptions":              a.subscriptions,
		"GET /admin/subscriptions/{id}":         a.subscription,
		"POST /admin/subscriptions/{id}/retry":  a.subscriptionRetry,
		"POST /admin/subscriptions/{id}/cancel": a.subscriptionCancel,
	}
}

// plansPage lists every plan with an editor per row and one for a new plan.
type plansPage struct {
	Plans     []*paydeck.Plan
	Intervals []paydeck.PlanInterval
	Error     string
}

func (a *app) plans(w http.ResponseWriter, r *http.Request, rq *request) {
	a.renderPlans(w, r, rq, http.StatusOK, "")
}

func (a *app) renderPlans(w http.ResponseWriter, r *http.Request, rq *request, status int, problem string) {
	plans, err := a.d.Subscriptions.Plans(r.Context(), rq.actor)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	rq.view.Title, rq.view.Flash = "plans.title", flashFrom(rq.view)
	rq.view.Data = plansPage{Plans: plans, Error: problem,
		Intervals: []paydeck.PlanInterval{paydeck.IntervalMonth, paydeck.IntervalYear, paydeck.IntervalDay}}
	a.pages.Render(w, status, "plans.html", rq.view)
}

func (a *app) planCreate(w http.ResponseWriter, r *http.Request, rq *request) {
	p := &paydeck.Plan{}
	err := form.ParsePlan(r, p)
	if err == nil {
		_, err = a.d.Subscriptions.CreatePlan(r.Context(), rq.actor, subscription.PlanInput{Name: p.Name, Amount: p.Amount,
			Interval: p.Interval, IntervalCount: p.IntervalCount, TrialDays: p.TrialDays, TaxType: p.TaxType, IsActive: p.IsActive})
	}
	a.planSaved(w, r, rq, err)
}

func (a *app) planSave(w http.ResponseWriter, r *http.Request, rq *request) {
	p, err := a.d.Subscriptions.Plan(r.Context(), rq.actor, r.PathValue("id"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	if err = form.ParsePlan(r, p); err == nil {
		_, err = a.d.Subscriptions.UpdatePlan(r.Context(), rq.actor, p.ID, subscription.PlanPatch{Name: &p.Name,
			Amount: &p.Amount, TrialDays: &p.TrialDays, TaxType: &p.TaxType, IsActive: &p.IsActive})
	}
	a.planSaved(w, r, rq, err)
}

// planSaved goes back to the plans, or shows them again with the form's
// problem.
func (a *app) planSaved(w http.ResponseWriter, r *http.Request, rq *request, err error) {
	switch {
	case paydeck.ErrorCode(err) == paydeck.CodeInvalid:
		a.renderPlans(w, r, rq, ui.HTTPStatus(err), rq.view.ErrorText(err))
	case err != nil:
		a.error(w, r, rq, err)
	default:
		back(w, r, "/admin/plans", "flash.saved")
	}
}

// subscriptionsPage is one page of subscriptions, filtered by status.
type subscriptionsPage struct {
	Rows     []*subscription.Details
	Statuses []paydeck.SubscriptionStatus
	Status   string
	Stats    *subscription.Stats
	Pager    pager
}

func (a *app) subscriptions(w http.ResponseWriter, r *http.Request, rq *request) {
	l := parseList(r.URL.Query())
	p := subscriptionsPage{Statuses: paydeck.SubscriptionStatuses, Status: l.Status}
	f := paydeck.SubscriptionFilter{Offset: l.offset(), Limit: perPage}
	if l.Status != "" {
		st := paydeck.SubscriptionStatus(l.Status)
		if !st.Valid() {
			a.error(w, r, rq, paydeck.Errorf(paydeck.CodeInvalid, "Unknown subscription status %q.", l.Status))
			return
		}
		f.Statuses = []paydeck.SubscriptionStatus{st}
	}
	rows, total, err := a.d.Subscriptions.Subscriptions(r.Context(), rq.actor, f, false)
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	if p.Stats, err = a.d.Subscriptions.Stats(r.Context(), rq.actor); err != nil {
		a.error(w, r, rq, err)
		return
	}
	p.Rows, p.Pager = rows, newPager(l, "/admin/subscriptions", total, len(rows))
	a.render(w, rq, "subscriptions.html", "subscriptions.title", p)
}

// subscriptionPage is a subscription with its customer and, per period,
// the events of its latest attempt's order: the timeline.
type subscriptionPage struct {
	*subscription.Details
	Email  string
	Events map[int][]*paydeck.PaymentEvent // by period: the latest attempt's order events
}

func (a *app) subscription(w http.ResponseWriter, r *http.Request, rq *request) {
	d, err := a.d.Subscriptions.Subscription(r.Context(), rq.actor, r.PathValue("id"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	p := subscriptionPage{Details: d, Events: map[int][]*paydeck.PaymentEvent{}}
	err = a.d.Store.View(r.Context(), func(tx paydeck.Tx) error {
		u, err := tx.FindUserByID(r.Context(), d.UserID)
		if err != nil {
			return err
		}
		p.Email = u.Email
		for _, c := range d.Charges {
			if c.SubscriptionCharge.OrderID == "" {
				continue
			}
			orderID := c.SubscriptionCharge.OrderID
			events, _, err := tx.FindEvents(r.Context(), paydeck.EventFilter{OrderID: &orderID})
			if err != nil {
				return err
			}
			p.Events[c.Period] = events
		}
		return nil
	})
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	a.render(w, rq, "subscription.html", "subscription.title", p)
}

func (a *app) subscriptionRetry(w http.ResponseWriter, r *http.Request, rq *request) {
	d, err := a.d.Subscriptions.Retry(r.Context(), rq.actor, r.PathValue("id"))
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/subscriptions/"+d.ID, "flash.retried")
}

func (a *app) subscriptionCancel(w http.ResponseWriter, r *http.Request, rq *request) {
	d, err := a.d.Subscriptions.Cancel(r.Context(), rq.actor, r.PathValue("id"), r.PostFormValue("when") == "end")
	if err != nil {
		a.error(w, r, rq, err)
		return
	}
	back(w, r, "/admin/subscriptions/"+d.ID, "flash.canceled")
}

func init() {
	for k, v := range subscriptionMessages {
		messages[k] = v
	}
}

// subscriptionMessages are these pages' texts.
var subscriptionMessages = map[string][2]string{
	"flash.retried":  {"결제를 다시 시도했습니다. 결과는 아래에 표시됩니다.", "Charged again; the outcome is below."},
	"flash.canceled": {"구독을 해지했습니다.", "Subscription canceled."},

	"plans.title":    {"구독 상품", "Plans"},
	"plans.name":     {"이름", "Name"},
	"plans.amount":   {"금액(원)", "Amount (won)"},
	"plans.interval": {"주기", "Interval"},
	"plans.count":    {"주기 수", "Every"},
	"plans.trial":    {"체험 일수", "Trial days"},
	"plans.tax":      {"과세", "Tax"},
	"plans.active":   {"판매", "Active"},
	"plans.new":      {"새 구독 상품", "New plan"},
	"plans.add":      {"추가", "Add"},
	"interval.month": {"개월", "month(s)"},
	"interval.year":  {"년", "year(s)"},
	"interval.day":   {"일", "day(s)"},
	"tax.taxable":    {"과세", "taxable"},
	"tax.tax_free":   {"면세", "tax free"},

	"subscriptions.title":    {"정기결제", "Subscriptions"},
	"subscriptions.mrr":      {"월 반복 매출(MRR)", "Monthly recurring revenue (MRR)"},
	"subscriptions.active":   {"이용 중 구독", "Live subscriptions"},
	"subscriptions.pastdue":  {"결제 실패 %d건", "%d past due"},
	"subscriptions.churn":    {"30일 이탈률", "30-day churn"},
	"subscriptions.churned":  {"해지·만료 %d건", "%d ended"},
	"subscriptions.customer": {"고객", "Customer"},
	"subscriptions.plan":     {"상품", "Plan"},
	"subscriptions.next":     {"다음 결제", "Next charge"},
	"subscriptions.plans":    {"구독 상품 관리", "Manage plans"},

	"subscription.title":     {"구독", "Subscription"},
	"subscription.period":    {"현재 기간", "Current period"},
	"subscription.card":      {"카드", "Card"},
	"subscription.needscard": {"카드 삭제됨 (새 카드 필요)", "Card removed (needs a new card)"},
	"subscription.retryat":   {"다음 재시도", "Next retry"},
	"subscription.ending":    {"기간 끝에 해지 예정", "Cancels at period end"},
	"subscription.timeline":  {"타임라인", "Timeline"},
	"subscription.created":   {"가입", "Signed up"},
	"subscription.ended":     {"종료", "Ended"},
	"subscription.charge":    {"%d회차 결제", "Period %d charge"},
	"subscription.attempts":  {"시도 %d회", "%d attempt(s)"},
	"subscription.retry":     {"지금 다시 결제", "Retry the charge now"},
	"subscription.cancelnow": {"지금 해지 (남은 일수 환불)", "Cancel now (refund unused days)"},
	"subscription.cancelend": {"기간 끝에 해지", "Cancel at period end"},

	"status.trialing":  {"무료 체험", "trialing"},
	"status.active":    {"이용 중", "active"},
	"status.past_due":  {"결제 실패", "past due"},
	"status.abandoned": {"포기", "abandoned"},
}
