package toss_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/toss"
)

func TestVirtualAccountIssue(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusOK, fixture(t, "payment_va_waiting.json")))

	due := time.Date(2025, 3, 8, 1, 20, 11, 0, time.UTC) // 10:20:11 KST
	p, err := tb.client.VirtualAccounts.Issue(t.Context(), &toss.VirtualAccountParams{
		Amount: 30000, OrderID: "ord-20250301-Va9xQ1", OrderName: "캠핑 의자 외 1건",
		CustomerName: "박토스", Bank: "20", DueDate: &due,
		CashReceipt: &toss.CashReceiptRequest{Type: toss.CashReceiptIncomeDeduction, RegistrationNumber: "01012345678"},
		Params:      toss.Params{IdempotencyKey: "va:ord-20250301-Va9xQ1"},
	})
	require.NoError(t, err)
	r := tb.requests()[0]
	require.Equal(t, http.MethodPost, r.Method)
	require.Equal(t, "/v1/virtual-accounts", r.RequestURI)
	require.Equal(t, "va:ord-20250301-Va9xQ1", r.Header.Get("Idempotency-Key"))
	requireJSONEqual(t, `{"amount":30000,"orderId":"ord-20250301-Va9xQ1","orderName":"캠핑 의자 외 1건",
		"customerName":"박토스","bank":"20","dueDate":"2025-03-08T10:20:11",
		"cashReceipt":{"type":"소득공제","registrationNumber":"01012345678"}}`, r.Body)

	require.Equal(t, toss.StatusWaitingForDeposit, p.Status)
	require.Equal(t, toss.MethodVirtualAccount, p.Method)
	require.Nil(t, p.ApprovedAt)
	require.Equal(t, "ps_Ab12Cd34Ef56Gh78Ij90Kl12", *p.Secret)
	va := p.VirtualAccount
	require.NotNil(t, va)
	require.Equal(t, toss.AccountTypeNormal, va.AccountType)
	require.Equal(t, "X6505636518308", va.AccountNumber)
	require.Equal(t, "20", va.BankCode)
	require.Nil(t, va.DepositorName)
	require.True(t, va.DueDate.Equal(due))
	require.Equal(t, toss.RefundNone, va.RefundStatus)
	require.Equal(t, toss.SettlementIncompleted, va.SettlementStatus)
}

func TestVirtualAccountIssueValidHours(t *testing.T) {
	t.Parallel()
	tb := setup(t, replyJSON(http.StatusBadRequest, tossError(toss.CodeExceedMaxValidHours, "too long")))

	_, err := tb.client.VirtualAccounts.Issue(t.Context(), &toss.VirtualAccountParams{
		Amount: 30000, OrderID: "ord-va-2", OrderName: "의자", CustomerName: "박토스", Bank: "88",
		ValidHours: toss.Ptr(5000),
	})
	require.True(t, toss.IsCode(err, toss.CodeExceedMaxValidHours))
	requireJSONEqual(t, `{"amount":30000,"orderId":"ord-va-2","orderName":"의자","customerName":"박토스","bank":"88","validHours":5000}`,
		tb.requests()[0].Body)
	require.Len(t, tb.requests(), 1)
}
