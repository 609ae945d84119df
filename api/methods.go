package api

import (
	"context"
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"github.com/paydeck/paydeck"
)

// PaymentMethod is a way to pay offered to shoppers, with its fee.
type PaymentMethod struct {
	ID           string `json:"id" format:"uuid" example:"0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5"`
	Name         string `json:"name" example:"신용·체크카드"`
	Type         string `json:"type" enum:"card,transfer,virtual_account,mobile_phone,gift_certificate,easy_pay" example:"card"`
	IsActive     bool   `json:"isActive" example:"true"`
	DisplayOrder int    `json:"displayOrder" example:"1" doc:"Lowest first."`
	FeeRate      int64  `json:"feeRate" example:"290" doc:"Proportional fee in basis points (290 = 2.90 %)."`
	FixedFee     int64  `json:"fixedFee" example:"0" doc:"Fee in won added to every payment."`
}

func methodView(m *paydeck.PaymentMethod) PaymentMethod {
	return PaymentMethod{ID: m.ID, Name: m.Name, Type: string(m.Type), IsActive: m.IsActive,
		DisplayOrder: m.DisplayOrder, FeeRate: m.FeeRate, FixedFee: m.FixedFee}
}

type listMethodsInput struct {
	IncludeInactive bool `query:"includeInactive" doc:"Admins only: list deactivated methods too."`
}

type methodListOutput struct {
	Body struct {
		Items []PaymentMethod `json:"items"`
	}
}

type methodIDInput struct {
	ID string `path:"id" format:"uuid" doc:"Payment method ID."`
}

type methodOutput struct{ Body PaymentMethod }

type createMethodInput struct {
	Body struct {
		Name         string `json:"name" minLength:"1" maxLength:"100" example:"신용·체크카드"`
		Type         string `json:"type" enum:"card,transfer,virtual_account,mobile_phone,gift_certificate,easy_pay" example:"card"`
		IsActive     *bool  `json:"isActive,omitempty" example:"true" doc:"Default true."`
		DisplayOrder int    `json:"displayOrder,omitempty" minimum:"0" maximum:"1000" example:"1"`
		FeeRate      int64  `json:"feeRate" minimum:"0" maximum:"10000" example:"290" doc:"Basis points."`
		FixedFee     int64  `json:"fixedFee,omitempty" minimum:"0" maximum:"1000000" example:"0" doc:"Won."`
	}
}

// MethodFields are a payment method's writable fields; nil fields keep
// their value. The type never changes.
type MethodFields struct {
	Name         *string `json:"name,omitempty" minLength:"1" maxLength:"100" example:"신용·체크카드"`
	IsActive     *bool   `json:"isActive,omitempty" example:"true"`
	DisplayOrder *int    `json:"displayOrder,omitempty" minimum:"0" maximum:"1000" example:"1"`
	FeeRate      *int64  `json:"feeRate,omitempty" minimum:"0" maximum:"10000" example:"290"`
	FixedFee     *int64  `json:"fixedFee,omitempty" minimum:"0" maximum:"1000000" example:"0"`
}

type updateMethodInput struct {
	ID   string `path:"id" format:"uuid" doc:"Payment method ID."`
	Body MethodFields
}

func (s *server) registerMethods() {
	tags := []string{"Catalogue"}
	register(s, public, huma.Operation{
		OperationID: "listPaymentMethods", Method: http.MethodGet, Path: "/api/payment-methods", Tags: tags,
		Summary:     "List payment methods",
		Description: "The active payment methods in display order. Admins may add includeInactive=true.",
	}, s.listMethods)
	register(s, adminOnly, huma.Operation{
		OperationID: "createPaymentMethod", Method: http.MethodPost, Path: "/api/payment-methods", Tags: tags,
		Summary: "Create a payment method", Description: "Admins offer a new kind of payment with its fee; one method per type (409 otherwise).",
		DefaultStatus: http.StatusCreated, Errors: []int{http.StatusConflict, http.StatusUnprocessableEntity},
	}, s.createMethod)
	register(s, adminOnly, huma.Operation{
		OperationID: "updatePaymentMethod", Method: http.MethodPatch, Path: "/api/payment-methods/{id}", Tags: tags,
		Summary: "Update a payment method", Description: "Admins change the name, order, fee or activity of a method.",
		Errors: []int{http.StatusNotFound, http.StatusUnprocessableEntity},
	}, s.updateMethod)
	register(s, adminOnly, huma.Operation{
		OperationID: "deactivatePaymentMethod", Method: http.MethodDelete, Path: "/api/payment-methods/{id}", Tags: tags,
		Summary: "Deactivate a payment method", Description: "Admins stop offering a method; its fee still applies to past payments.",
		Errors: []int{http.StatusNotFound},
	}, s.deactivateMethod)
}

func (s *server) listMethods(ctx context.Context, in *listMethodsInput) (*methodListOutput, error) {
	var f paydeck.PaymentMethodFilter
	if !in.IncludeInactive || !isAdmin(ctx) {
		active := true
		f.IsActive = &active
	}
	var items []*paydeck.PaymentMethod
	err := s.Store.View(ctx, func(tx paydeck.Tx) (err error) {
		items, _, err = tx.FindPaymentMethods(ctx, f)
		return err
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	out := &methodListOutput{}
	out.Body.Items = make([]PaymentMethod, 0, len(items))
	for _, m := range items {
		out.Body.Items = append(out.Body.Items, methodView(m))
	}
	return out, nil
}

func (s *server) createMethod(ctx context.Context, in *createMethodInput) (*methodOutput, error) {
	b := in.Body
	m := &paydeck.PaymentMethod{Name: b.Name, Type: paydeck.PaymentMethodType(b.Type), IsActive: b.IsActive == nil || *b.IsActive,
		DisplayOrder: b.DisplayOrder, FeeRate: b.FeeRate, FixedFee: b.FixedFee}
	if err := s.Store.Update(ctx, func(tx paydeck.Tx) error { return tx.CreatePaymentMethod(ctx, m) }); err != nil {
		return nil, s.problem(ctx, err)
	}
	return &methodOutput{Body: methodView(m)}, nil
}

func (s *server) updateMethod(ctx context.Context, in *updateMethodInput) (*methodOutput, error) {
	return s.changeMethod(ctx, in.ID, func(m *paydeck.PaymentMethod) {
		f := in.Body
		setIf(&m.Name, f.Name)
		setIf(&m.IsActive, f.IsActive)
		setIf(&m.DisplayOrder, f.DisplayOrder)
		setIf(&m.FeeRate, f.FeeRate)
		setIf(&m.FixedFee, f.FixedFee)
	})
}

func (s *server) deactivateMethod(ctx context.Context, in *methodIDInput) (*methodOutput, error) {
	return s.changeMethod(ctx, in.ID, func(m *paydeck.PaymentMethod) { m.IsActive = false })
}

// changeMethod loads, changes and saves one payment method in one transaction.
func (s *server) changeMethod(ctx context.Context, id string, change func(*paydeck.PaymentMethod)) (*methodOutput, error) {
	var m *paydeck.PaymentMethod
	err := s.Store.Update(ctx, func(tx paydeck.Tx) (err error) {
		if m, err = tx.FindPaymentMethodByID(ctx, id); err != nil {
			return err
		}
		change(m)
		return tx.UpdatePaymentMethod(ctx, m)
	})
	if err != nil {
		return nil, s.problem(ctx, err)
	}
	return &methodOutput{Body: methodView(m)}, nil
}
