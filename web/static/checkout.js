// paydeck checkout: for the order described by #checkout's data attributes,
// renders the Toss payment widget (widget client key) or, with an API
// individual client key, opens Toss's payment window for the method picked
// on the page; in sandbox mode the sandbox's compatible script does the same
// offline. No inline script: the page's Content-Security-Policy forbids it.
(function () {
  "use strict";
  const box = document.getElementById("checkout");
  const button = document.getElementById("pay");
  const status = document.getElementById("checkout-status");
  if (!box || !button) {
    return;
  }
  const d = box.dataset;
  function show(err) {
    if (err && err.validation) {
      status.textContent = err.message;
      status.hidden = false;
      return;
    }
    status.textContent = d.errorText + " (" + (err && err.code ? err.code + ": " : "") + (err && err.message ? err.message : String(err)) + ")";
    status.hidden = false;
  }
  const receiptBox = document.getElementById("cash-receipt");
  const receiptNumber = document.getElementById("cash-receipt-number");
  const selfIssueNumber = "0100001234"; // 국세청 지정번호 010-000-1234 (paydeck.SelfIssueNumber)
  // cashReceipt returns the cash receipt request (the rules of
  // paydeck.NormalizeCashReceipt and CashReceiptFor), or throws a readable
  // error for a bad number.
  function cashReceipt() {
    const picked = receiptBox.querySelector('input[name="cashReceiptType"]:checked');
    const type = picked ? picked.value : "미발행";
    const raw = receiptNumber.value.trim();
    const digits = raw.replace(/[- ]/g, "");
    if (type === "미발행") {
      return d.selfIssue === "true" ? { type: "소득공제", registrationNumber: selfIssueNumber } : { type: "미발행" };
    }
    const ok = /^[0-9]+$/.test(digits) && (type === "지출증빙"
      ? digits.length === 10
      : (/^01/.test(digits) && (digits.length === 10 || digits.length === 11)) || (digits.length >= 13 && digits.length <= 19));
    if (!ok) {
      receiptNumber.setAttribute("aria-invalid", "true");
      receiptNumber.focus();
      throw { validation: true, message: type === "지출증빙" ? d.receiptBusinessError : d.receiptPhoneError };
    }
    receiptNumber.removeAttribute("aria-invalid");
    return { type: type, registrationNumber: digits };
  }
  function pickedMethod() {
    const picked = box.querySelector('input[name="method"]:checked');
    return picked ? picked.value : "CARD";
  }
  function syncReceipt() {
    if (d.widget !== "true") {
      const m = pickedMethod();
      receiptBox.hidden = m !== "VIRTUAL_ACCOUNT" && m !== "TRANSFER";
    }
    const none = (receiptBox.querySelector('input[name="cashReceiptType"]:checked') || {}).value === "미발행";
    receiptNumber.disabled = none;
  }
  box.addEventListener("change", syncReceipt);
  syncReceipt();
  function order() {
    const req = {
      orderId: d.orderId,
      orderName: d.orderName,
      successUrl: d.successUrl,
      failUrl: d.failUrl,
      customerEmail: d.customerEmail || undefined,
      customerName: d.customerName || undefined,
      taxFreeAmount: Number(d.taxFreeAmount) || 0,
    };
    if (!receiptBox.hidden) {
      const cr = cashReceipt();
      req.virtualAccount = { cashReceipt: cr };
      req.transfer = { cashReceipt: cr };
    }
    return req;
  }
  // failed sends a payment request the SDK rejected with a code (the
  // shopper closed the window: USER_CANCEL, a method not available, ...)
  // to the fail page, as Toss's own failUrl redirect would: it records the
  // attempt and explains the code in plain words, with the order and
  // "다시 결제하기". Errors without a code stay on this page.
  function failed(err) {
    if (!err || !err.code || !d.failUrl) {
      button.disabled = false;
      show(err);
      return;
    }
    const u = new URL(d.failUrl, window.location.href);
    u.searchParams.set("code", String(err.code));
    u.searchParams.set("message", err.message ? String(err.message) : "");
    u.searchParams.set("orderId", d.orderId);
    window.location.assign(u.toString());
  }
  function onClick(request) {
    button.disabled = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      Promise.resolve().then(request).catch(failed);
    });
  }
  async function start() {
    if (typeof window.TossPayments !== "function") {
      throw new Error("payment SDK not loaded");
    }
    const toss = window.TossPayments(d.clientKey);
    if (d.widget !== "true") {
      const payment = toss.payment({ customerKey: d.customerKey });
      onClick(function () {
        return payment.requestPayment(Object.assign({
          method: pickedMethod(),
          amount: { currency: "KRW", value: Number(d.amount) },
        }, order()));
      });
      return;
    }
    const widgets = toss.widgets({ customerKey: d.customerKey });
    await widgets.setAmount({ currency: "KRW", value: Number(d.amount) });
    await Promise.all([
      widgets.renderPaymentMethods({ selector: "#payment-method", variantKey: "DEFAULT" }),
      widgets.renderAgreement({ selector: "#agreement", variantKey: "AGREEMENT" }),
    ]);
    onClick(function () {
      return widgets.requestPayment(order());
    });
  }
  start().catch(show);
})();
