package api

import (
	"context"
	"net/http"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
	"github.com/paydeck/paydeck/subscription"
)

// Plan is a subscription plan.
type Plan struct {
	ID     string `json:"id" format:"uuid" example:"3b9f6c1e-8d2a-4f7b-b1c4-5e6d7a8b9c0d"`
	Name   string `json:"name" example:"월간 원두 구독"`
	Amount int64  `json:"amount" example:"19900" doc:"Charged every period, in won."`
	// Interval and IntervalCount: a period lasts IntervalCount Intervals.
	Interval      string    `json:"interval" enum:"month,year,day" example:"month"`
	IntervalCount int       `json:"intervalCount" example:"1"`
	TrialDays     int       `json:"trialDays" example:"0" doc:"Free days before the first charge."`
	TaxType       string    `json:"taxType" enum:"taxable,tax_free" example:"taxable"`
	IsActive      bool      `json:"isActive" example:"true"`
	CreatedAt     time.Time `json:"createdAt"`
	UpdatedAt     time.Time `json:"updatedAt"`
}

func planView(p *paydeck.Plan) Plan {
	return Plan{ID: p.ID, Name: p.Name, Amount: p.Amount, Interval: string(p.Interval), IntervalCount: p.IntervalCount,
		TrialDays: p.TrialDays, TaxType: string(p.TaxType), IsActive: p.IsActive, CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
}

// Subscription is a customer's subscription. The billing key is never part
// of it.
type Subscription struct {
	ID     string `json:"id" format:"uuid"`
	UserID string `json:"userId" format:"uuid"`
	PlanID string `json:"planId" format:"uuid"`
	Plan   Plan   `json:"plan"`
	Status string `json:"status" enum:"trialing,active,past_due,canceled,expired" example:"active"`
	// CurrentPeriod is the number of the period paid last (0 in the trial).
	CurrentPeriod      int        `json:"currentPeriod" example:"3"`
	CurrentPeriodStart time.Time  `json:"currentPeriodStart"`
	CurrentPeriodEnd   time.Time  `json:"currentPeriodEnd"`
	CancelAtPeriodEnd  bool       `json:"cancelAtPeriodEnd"`
	NextChargeAt       *time.Time `json:"nextChargeAt,omitempty" doc:"The next charge paydeck will attempt; absent when none will."`
	NextChargeAmount   int64      `json:"nextChargeAmount" example:"19900"`
	Card               Card       `json:"card"`
	NeedsCard          bool       `json:"needsCard" doc:"The card was removed at Toss; register a new one."`
	RetryCount         int        `json:"retryCount" doc:"Declined attempts at the period now due."`
	NextRetryAt        *time.Time `json:"nextRetryAt,omitempty"`
	CanceledAt         *time.Time `json:"canceledAt,omitempty"`
	EndedAt            *time.Time `json:"endedAt,omitempty"`
	CreatedAt          time.Time  `json:"createdAt"`
	Charges            []Charge   `json:"charges"`
}

// Card is the summary of a subscription's card.
type Card struct {
	IssuerCode string `json:"issuerCode" example:"61"`
	Number     string `json:"number" example:"433012******1234" doc:"Masked by Toss."`
}

// Charge is one period's charge; each attempt is an order (ORD…).
type Charge struct {
	Period         int        `json:"period" example:"3"`
	Amount         int64      `json:"amount" example:"19900"`
	Status         string     `json:"status" enum:"pending,paid,failed,abandoned"`
	Attempts       int        `json:"attempts" example:"1"`
	OrderID        string     `json:"orderId" example:"ORD20261204A1B2C3D4" doc:"The latest attempt's order."`
	PaymentKey     string     `json:"paymentKey,omitempty" doc:"Toss's paymentKey of a paid charge (its receipt)."`
	PeriodStart    time.Time  `json:"periodStart"`
	PeriodEnd      time.Time  `json:"periodEnd"`
	PaidAt         *time.Time `json:"paidAt,omitempty"`
	RefundedAmount int64      `json:"refundedAmount"`
	FailureCode    string     `json:"failureCode,omitempty" example:"REJECT_CARD_PAYMENT"`
	FailureMessage string     `json:"failureMessage,omitempty"`
}

func subscriptionView(d *subscription.Details) Subscription {
	s := d.Subscription
	v := Subscription{ID: s.ID, UserID: s.UserID, PlanID: s.PlanID, Plan: planView(d.Plan), Status: string(s.Status),
		CurrentPeriod: s.CurrentPeriod, CurrentPeriodStart: s.CurrentPeriodStart, CurrentPeriodEnd: s.CurrentPeriodEnd,
		CancelAtPeriodEnd: s.CancelAtPeriodEnd, NextChargeAt: d.NextChargeAt, NextChargeAmount: d.NextChargeAmount,
		Card: Card{IssuerCode: s.CardIssuer, Number: s.CardNumber}, NeedsCard: s.NeedsCard, RetryCount: s.RetryCount,
		NextRetryAt: s.NextRetryAt, CanceledAt: s.CanceledAt, EndedAt: s.EndedAt, CreatedAt: s.CreatedAt,
		Charges: make([]Charge, 0, len(d.Charges))}
	for _, c := range d.Charges {
		v.Charges = append(v.Charges, Charge{Period: c.Period, Amount: c.Amount, Status: string(c.Status),
			Attempts: c.Attempts, OrderID: c.OrderID, PaymentKey: c.PaymentKey, PeriodStart: c.PeriodStart,
			PeriodEnd: c.PeriodEnd, PaidAt: c.PaidAt, RefundedAmount: c.RefundedAmount, FailureCode: c.FailureCode,
			FailureMessage: c.FailureMessage})
	}
	return v
}

// PlanList is the list of plans.
type PlanList struct {
	Items []Plan `json:"items"`
	Total int    `json:"total" example:"2"`
}

type planListOutput struct{ Body PlanList }

type planOutput struct{ Body Plan }

type createPlanInput struct {
	Body struct {
		Name          string `json:"name" minLength:"1" maxLength:"100" example:"월간 원두 구독"`
		Amount        int64  `json:"amount" minimum:"100" maximum:"10000000" example:"19900"`
		Interval      string `json:"interval" enum:"month,year,day" example:"month"`
		IntervalCount int    `json:"intervalCount,omitempty" minimum:"1" maximum:"365" example:"1" doc:"Default 1."`
		TrialDays     int    `json:"trialDays,omitempty" minimum:"0" maximum:"365" example:"0"`
		TaxType       string `json:"taxType,omitempty" enum:"taxable,tax_free" doc:"Default taxable."`
		IsActive      *bool  `json:"isActive,omitempty" doc:"Default true."`
	}
}

type updatePlanInput struct {
	PlanID string `path:"planId" format:"uuid" doc:"Plan ID."`
	Body   struct {
		Name      *string `json:"name,omitempty" minLength:"1" maxLength:"100" example:"월간 원두 구독 (대용량)"`
		Amount    *int64  `json:"amount,omitempty" minimum:"100" maximum:"10000000" example:"24900" doc:"Applies from each subscription's next renewal."`
		TrialDays *int    `json:"trialDays,omitempty" minimum:"0" maximum:"365" doc:"Applies to new subscriptions."`
		TaxType   *string `json:"taxType,omitempty" enum:"taxable,tax_free"`
		IsActive  *bool   `json:"isActive,omitempty" doc:"Inactive plans take no new subscriptions; existing ones renew."`
	}
}

type subscriptionOutput struct{ Body Subscription }

type createSubscriptionInput struct {
	Body struct {
		PlanID      string `json:"planId" format:"uuid" example:"3b9f6c1e-8d2a-4f7b-b1c4-5e6d7a8b9c0d"`
		AuthKey     string `json:"authKey" minLength:"1" maxLength:"300" example:"bln_a1b2c3d4e5" doc:"From the billing window's success redirect."`
		CustomerKey string `json:"customerKey" minLength:"2" maxLength:"300" doc:"From the billing window's success redirect; must be yours (see GET /api/subscriptions/setup)."`
	}
}

type listSubscriptionsInput struct {
	Status string `query:"status" enum:"trialing,active,past_due,canceled,expired" doc:"Only subscriptions in this status."`
	Offset int    `query:"offset" minimum:"0" maximum:"1000000" default:"0"`
	Limit  int    `query:"limit" minimum:"1" maximum:"100" default:"20"`
}

// SubscriptionPage is one page of subscriptions.
type SubscriptionPage struct {
	Items  []Subscription `json:"items"`
	Total  int            `json:"total" example:"1"`
	Offset int            `json:"offset" example:"0"`
	Limit  int            `json:"limit" example:"20"`
}

type subscriptionPageOutput struct{ Body SubscriptionPage }

type subscriptionIDInput struct {
	ID string `path:"id" format:"uuid" doc:"Subscription ID."`
}

type cancelSubscriptionInput struct {
	ID   string `path:"id" format:"uuid" doc:"Subscription ID."`
	Body struct {
		AtPeriodEnd bool `json:"atPeriodEnd" example:"true" doc:"true: stop renewing and end when the paid period ends. false: end now and refund the unused whole days of the paid period (amount × unused days ÷ days in the period, rounded down)."`
	}
}

type updateCardInput struct {
	ID   string `path:"id" format:"uuid" doc:"Subscription ID."`
	Body struct {
		AuthKey string `json:"authKey" minLength:"1" maxLength:"300" example:"bln_f6g7h8i9j0" doc:"From a new billing window (same customerKey)."`
	}
}

// BillingSetup is what a client needs to open the Toss billing window.
type BillingSetup struct {
	ClientKey   string `json:"clientKey" example:"test_ck_D5GePWvyJnrK0W0k6q8gLzN97Eoq" doc:"Toss client key of the billing (API individual) key pair."`
	CustomerKey string `json:"customerKey" example:"cus_Xb3kQm9TzA1vR7wY2nL5pD8sF0hJ4gC6" doc:"Your customerKey: pass it to requestBillingAuth and back to POST /api/subscriptions."`
	SDKURL      string `json:"sdkUrl" example:"https://js.tosspayments.com/v2/standard"`
}

type billingSetupOutput struct{ Body BillingSetup }

func (s *server) registerSubscriptions() {
	if s.Subscriptions == nil {
		return
	}
	tags := []string{"Subscriptions"}
	register(s, public, huma.Operation{
		OperationID: "listPlans", Method: http.MethodGet, Path: "/api/plans", Tags: tags,
		Summary: "List plans", Description: "Active plans, oldest first (admins: every plan).",
	}, s.listPlans)
	register(s, adminOnly, huma.Operation{
		OperationID: "createPlan", Method: http.MethodPost, Path: "/api/plans", Tags: tags,
		Summary: "Create a plan", Description: "Admins add a subscription plan.",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusUnprocessableEntity},
	}, s.createPlan)
	register(s, adminOnly, huma.Operation{
		OperationID: "updatePlan", Method: http.MethodPatch, Path: "/api/plans/{planId}", Tags: tags,
		Summary: "Update a plan", Description: "Admins change the fields sent. The interval is fixed once the plan exists.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, s.updatePlan)
	register(s, signedIn, huma.Operation{
		OperationID: "getBillingSetup", Method: http.MethodGet, Path: "/api/subscriptions/setup", Tags: tags,
		Summary: "Billing window data", Description: "Client key, your customerKey and the SDK script for requestBillingAuth.",
	}, s.billingSetup)
	register(s, signedIn, huma.Operation{
		OperationID: "createSubscription", Method: http.MethodPost, Path: "/api/subscriptions", Tags: tags,
		Summary: "Subscribe",
		Description: "Issues a billing key from the billing window's authKey and charges the first period at once " +
			"(unless the plan has a trial). A declined first charge answers 409 and creates no live subscription.",
		DefaultStatus: http.StatusCreated,
		Errors:        []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}, s.createSubscription)
	register(s, signedIn, huma.Operation{
		OperationID: "listSubscriptions", Method: http.MethodGet, Path: "/api/subscriptions", Tags: tags,
		Summary: "List subscriptions", Description: "Your subscriptions, newest first (admins: everyone's), with their charges.",
	}, s.listSubscriptions)
	register(s, signedIn, huma.Operation{
		OperationID: "getSubscription", Method: http.MethodGet, Path: "/api/subscriptions/{id}", Tags: tags,
		Summary: "Get a subscription", Description: "Status, period, next charge and past charges. Other users' answer 404.",
		Errors: []int{http.StatusNotFound},
	}, s.getSubscription)
	register(s, signedIn, huma.Operation{
		OperationID: "cancelSubscription", Method: http.MethodPost, Path: "/api/subscriptions/{id}/cancel", Tags: tags,
		Summary:     "Cancel a subscription",
		Description: "At period end (no refund; undo with resume), or now with a prorated refund of the unused whole days.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict, http.StatusServiceUnavailable},
	}, s.cancelSubscription)
	register(s, signedIn, huma.Operation{
		OperationID: "resumeSubscription", Method: http.MethodPost, Path: "/api/subscriptions/{id}/resume", Tags: tags,
		Summary: "Resume a subscription", Description: "Undoes a cancel at period end before the period ends.",
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, s.resumeSubscription)
	register(s, signedIn, huma.Operation{
		OperationID: "updateSubscriptionCard", Method: http.MethodPost, Path: "/api/subscriptions/{id}/card", Tags: tags,
		Summary:     "Change the card",
		Description: "A new billing key from a new billing window's authKey; the old one is deleted. A past_due subscription is charged at once.",
		Errors:      []int{http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusServiceUnavailable},
	}, s.updateSubscriptionCard)
	register(s, adminOnly, huma.Operation{
		OperationID: "retrySubscription", Method: http.MethodPost, Path: "/api/subscriptions/{id}/retry", Tags: tags,
		Summary: "Retry a past-due charge", Description: "Admins charge a past_due subscription now.",
		Errors: []int{http.StatusNotFound, http.StatusConflict},
	}, s.retrySubscription)
}

func (s *server) listPlans(ctx context.Context, _ *struct{}) (*planListOutput, error) {
	plans, err := s.Subscriptions.Plans(ctx, actor(ctx))
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &planListOutput{}
	out.Body.Items, out.Body.Total = make([]Plan, 0, len(plans)), len(plans)
	for _, p := range plans {
		out.Body.Items = append(out.Body.Items, planView(p))
	}
	return out, nil
}

func (s *server) createPlan(ctx context.Context, in *createPlanInput) (*planOutput, error) {
	b := in.Body
	p, err := s.Subscriptions.CreatePlan(ctx, actor(ctx), subscription.PlanInput{Name: b.Name, Amount: b.Amount,
		Interval: paydeck.PlanInterval(b.Interval), IntervalCount: b.IntervalCount, TrialDays: b.TrialDays,
		TaxType: paydeck.TaxType(b.TaxType), IsActive: b.IsActive == nil || *b.IsActive})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &planOutput{Body: planView(p)}, nil
}

func (s *server) updatePlan(ctx context.Context, in *updatePlanInput) (*planOutput, error) {
	b := in.Body
	patch := subscription.PlanPatch{Name: b.Name, Amount: b.Amount, TrialDays: b.TrialDays, IsActive: b.IsActive}
	if b.TaxType != nil {
		t := paydeck.TaxType(*b.TaxType)
		patch.TaxType = &t
	}
	p, err := s.Subscriptions.UpdatePlan(ctx, actor(ctx), in.PlanID, patch)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &planOutput{Body: planView(p)}, nil
}

func (s *server) billingSetup(ctx context.Context, _ *struct{}) (*billingSetupOutput, error) {
	return &billingSetupOutput{Body: BillingSetup{ClientKey: s.BillingClientKey, SDKURL: s.SDKURL,
		CustomerKey: s.Subscriptions.CustomerKey(actor(ctx).UserID)}}, nil
}

func (s *server) createSubscription(ctx context.Context, in *createSubscriptionInput) (*subscriptionOutput, error) {
	d, err := s.Subscriptions.Subscribe(ctx, actor(ctx), subscription.SubscribeInput{PlanID: in.Body.PlanID,
		AuthKey: in.Body.AuthKey, CustomerKey: in.Body.CustomerKey})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &subscriptionOutput{Body: subscriptionView(d)}, nil
}

func (s *server) listSubscriptions(ctx context.Context, in *listSubscriptionsInput) (*subscriptionPageOutput, error) {
	f := paydeck.SubscriptionFilter{Offset: in.Offset, Limit: in.Limit}
	if in.Status != "" {
		f.Statuses = []paydeck.SubscriptionStatus{paydeck.SubscriptionStatus(in.Status)}
	}
	list, total, err := s.Subscriptions.Subscriptions(ctx, actor(ctx), f, true)
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	page := SubscriptionPage{Items: make([]Subscription, 0, len(list)), Total: total, Offset: in.Offset, Limit: in.Limit}
	for _, d := range list {
		page.Items = append(page.Items, subscriptionView(d))
	}
	return &subscriptionPageOutput{Body: page}, nil
}

func (s *server) getSubscription(ctx context.Context, in *subscriptionIDInput) (*subscriptionOutput, error) {
	return s.subscriptionResult(ctx)(s.Subscriptions.Subscription(ctx, actor(ctx), in.ID))
}

func (s *server) cancelSubscription(ctx context.Context, in *cancelSubscriptionInput) (*subscriptionOutput, error) {
	return s.subscriptionResult(ctx)(s.Subscriptions.Cancel(ctx, actor(ctx), in.ID, in.Body.AtPeriodEnd))
}

func (s *server) resumeSubscription(ctx context.Context, in *subscriptionIDInput) (*subscriptionOutput, error) {
	return s.subscriptionResult(ctx)(s.Subscriptions.Resume(ctx, actor(ctx), in.ID))
}

func (s *server) updateSubscriptionCard(ctx context.Context, in *updateCardInput) (*subscriptionOutput, error) {
	return s.subscriptionResult(ctx)(s.Subscriptions.UpdateCard(ctx, actor(ctx), in.ID, in.Body.AuthKey))
}

func (s *server) retrySubscription(ctx context.Context, in *subscriptionIDInput) (*subscriptionOutput, error) {
	return s.subscriptionResult(ctx)(s.Subscriptions.Retry(ctx, actor(ctx), in.ID))
}

// subscriptionResult answers a service call's subscription or its problem.
func (s *server) subscriptionResult(ctx context.Context) func(*subscription.Details, error) (*subscriptionOutput, error) {
	return func(d *subscription.Details, err error) (*subscriptionOutput, error) {
		if err != nil {
			return nil, s.problem(ctx, err)
		}
		return &subscriptionOutput{Body: subscriptionView(d)}, nil
	}
}
