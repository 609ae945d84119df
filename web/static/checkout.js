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
    status.textContent = d.errorText + " (" + (err && err.code ? err.code + ": " : "") + (err && err.message ? err.message : String(err)) + ")";
    status.hidden = false;
  }
  function order() {
    return {
      orderId: d.orderId,
      orderName: d.orderName,
      successUrl: d.successUrl,
      failUrl: d.failUrl,
      customerEmail: d.customerEmail || undefined,
      customerName: d.customerName || undefined,
    };
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
      request().catch(failed);
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
        const picked = box.querySelector('input[name="method"]:checked');
        return payment.requestPayment(Object.assign({
          method: picked ? picked.value : "CARD",
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
