// paydeck billing: opens Toss's billing (card registration) window with
// requestBillingAuth for the customer described by #billing's data
// attributes; Toss (or, in sandbox mode, the sandbox's compatible script)
// redirects to the success URL with customerKey and authKey. No inline
// script: the page's Content-Security-Policy forbids it.
(function () {
  "use strict";
  const box = document.getElementById("billing");
  const button = document.querySelector(".billing-open");
  const status = document.getElementById("billing-status");
  if (!box || !button) {
    return;
  }
  const d = box.dataset;
  function show(err) {
    status.textContent = d.errorText + " (" + (err && err.code ? err.code + ": " : "") + (err && err.message ? err.message : String(err)) + ")";
    status.hidden = false;
  }
  function start() {
    if (typeof window.TossPayments !== "function") {
      throw new Error("payment SDK not loaded");
    }
    const payment = window.TossPayments(d.clientKey).payment({ customerKey: d.customerKey });
    button.disabled = false;
    button.addEventListener("click", function () {
      button.disabled = true;
      payment.requestBillingAuth({
        method: "CARD",
        successUrl: d.successUrl,
        failUrl: d.failUrl,
        customerEmail: d.customerEmail || undefined,
        customerName: d.customerName || undefined,
      }).catch(function (err) {
        button.disabled = false;
        show(err);
      });
    });
  }
  try {
    start();
  } catch (err) {
    show(err);
  }
})();
