// paydeck Toss sandbox: a script that offers the interface of the Toss Payments
// SDK v2 (https://js.tosspayments.com/v2/standard) and sends the shopper to the
// sandbox's hosted payment window instead of Toss's. Plain ES2017, no build step.
//
// It defines the global TossPayments(clientKey), as the official script does, so a
// page that loads it with <script src="{base}/v2/standard"> or with the official
// loader's loadTossPayments(clientKey, {src: "{base}/v2/standard"}) works unchanged.
// Redirect mode (successUrl and failUrl) navigates to the window; promise mode
// (neither) opens it in an iframe over the page and settles with its result.
(function () {
  "use strict";

  const ANONYMOUS = "@@ANONYMOUS";

  // The windows live next to this script: {base}/v2/standard → {base}/window
  // and {base}/billing-auth.
  const self = document.currentScript;
  if (!self || !self.src) {
    throw new Error("[paydeck sandbox] load this script with <script src>, not inline or as a module");
  }
  const windowURL = new URL("../window", self.src).href;
  const billingAuthURL = new URL("../billing-auth", self.src).href;
  const sandboxOrigin = new URL(self.src).origin;
  const resultType = "paydeck-sandbox-result";

  const secretKeyPattern = /^(test|live)_g?sk_/;
  const customerKeyPattern = /^[A-Za-z0-9\-_=.@]{2,50}$/;
  // The SDK docs also allow "=" in orderId; the sandbox's API does not
  // (docs/toss.md#identifiers), so the script refuses it early.
  const orderIdPattern = /^[A-Za-z0-9\-_]{6,64}$/;
  const mobilePhonePattern = /^[0-9]{8,15}$/;
  const upTo100Pattern = /^[\s\S]{0,100}$/;

  // Methods that payment().requestPayment accepts; FOREIGN_EASY_PAY (PayPal, USD)
  // is not emulated.
  const paymentMethods = [
    "CARD", "VIRTUAL_ACCOUNT", "TRANSFER", "MOBILE_PHONE",
    "CULTURE_GIFT_CERTIFICATE", "BOOK_GIFT_CERTIFICATE", "GAME_GIFT_CERTIFICATE",
  ];

  // The choices of the widget's method picker, in display order.
  const widgetMethods = [
    { code: "CARD", label: "신용·체크카드" },
    { code: "VIRTUAL_ACCOUNT", label: "가상계좌" },
    { code: "TRANSFER", label: "계좌이체" },
    { code: "MOBILE_PHONE", label: "휴대폰" },
    { code: "TOSSPAY", label: "토스페이" },
    { code: "NAVERPAY", label: "네이버페이" },
    { code: "KAKAOPAY", label: "카카오페이" },
  ];
  const easyPayCodes = ["TOSSPAY", "NAVERPAY", "KAKAOPAY", "PAYCO", "SAMSUNGPAY", "SSG", "LPAY", "APPLEPAY"];

  class TossPaymentsError extends Error {
    constructor(code, message) {
      super(message);
      this.name = "TossPaymentsError";
      this.code = code;
    }
  }

  function fail(code, message) {
    throw new TossPaymentsError(code, message);
  }

  // attempt runs fn and turns a thrown error into a rejected promise, so the
  // promise-returning methods never throw synchronously.
  function attempt(fn) {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  function keyFamily(clientKey) {
    if (typeof clientKey !== "string" || clientKey === "") {
      fail("INVALID_CLIENT_KEY", "clientKey must be a non-empty string");
    }
    if (secretKeyPattern.test(clientKey)) {
      fail("INSECURE_KEY_USAGE", "a secret key must never be used in the browser; pass the client key");
    }
    if (/^(test|live)_gck_/.test(clientKey)) {
      return "widget";
    }
    if (/^(test|live)_ck_/.test(clientKey)) {
      return "payment";
    }
    return fail("INVALID_CLIENT_KEY", "clientKey must start with test_ck_, test_gck_, live_ck_ or live_gck_");
  }

  function checkCustomerKey(params) {
    if (!params || typeof params !== "object") {
      fail("INVALID_PARAMETERS", "pass {customerKey}");
    }
    const key = params.customerKey;
    if (key === ANONYMOUS) {
      return key;
    }
    if (typeof key !== "string") {
      fail("INVALID_CUSTOMER_KEY", "customerKey must be a string or TossPayments.ANONYMOUS");
    }
    if (secretKeyPattern.test(key)) {
      fail("INSECURE_KEY_USAGE", "a secret key must never be used as customerKey");
    }
    if (!customerKeyPattern.test(key)) {
      fail("INVALID_CUSTOMER_KEY", "customerKey must be 2-50 letters, digits or - _ = . @");
    }
    return key;
  }

  function checkAmount(amount) {
    if (!amount || typeof amount !== "object") {
      fail("INVALID_PARAMETERS", "amount must be {currency: \"KRW\", value}");
    }
    if (amount.currency !== "KRW") {
      fail("INVALID_AMOUNT_CURRENCY", "the sandbox supports currency KRW only");
    }
    if (typeof amount.value !== "number" || !Number.isSafeInteger(amount.value)) {
      fail("INVALID_AMOUNT_VALUE", "amount.value must be a whole number of won");
    }
    if (amount.value < 0) {
      fail("BELOW_ZERO_AMOUNT", "amount.value must not be below zero");
    }
    if (amount.value === 0) {
      fail("INVALID_AMOUNT_VALUE", "amount.value must be above zero");
    }
    return amount.value;
  }

  function optionalString(req, name, pattern) {
    const v = req[name];
    if (v === undefined || v === null) {
      return "";
    }
    if (typeof v !== "string" || !pattern.test(v)) {
      fail("INVALID_PARAMETERS", "invalid " + name);
    }
    return v;
  }

  function absoluteURL(v, code, name) {
    let u = null;
    try {
      u = new URL(v);
    } catch (err) {
      fail(code, name + " must be an absolute URL with its origin");
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      fail(code, name + " must be an http or https URL");
    }
    return u.href;
  }

  // checkMetadata validates requestPayment's metadata and returns it as the
  // window's metadata parameter: JSON with every value as a string, since Toss
  // echoes numbers and booleans back as strings in Payment.metadata.
  function checkMetadata(metadata) {
    if (metadata === undefined || metadata === null) {
      return "";
    }
    if (typeof metadata !== "object" || Array.isArray(metadata)) {
      fail("INVALID_METADATA", "metadata must be an object");
    }
    const keys = Object.keys(metadata);
    if (keys.length > 5) {
      fail("INVALID_METADATA", "metadata holds at most 5 pairs");
    }
    for (const k of keys) {
      if (k.length > 40 || /[[\]]/.test(k) || String(metadata[k]).length > 2000) {
        fail("INVALID_METADATA", "metadata keys are at most 40 characters without [ ], values at most 2000");
      }
    }
    const out = {};
    for (const k of keys) {
      out[k] = String(metadata[k]);
    }
    return keys.length ? JSON.stringify(out) : "";
  }

  // checkTaxFree validates requestPayment's taxFreeAmount: a whole number of
  // won, not negative ("" when absent).
  function checkTaxFree(v) {
    if (v === undefined || v === null) {
      return "";
    }
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
      fail("INVALID_PARAMETERS", "taxFreeAmount must be a whole number of won, not negative");
    }
    return v;
  }

  // cashReceiptParams reads virtualAccount.cashReceipt or
  // transfer.cashReceipt ({type, registrationNumber}) into window parameters.
  function cashReceiptParams(req) {
    const opts = (req.virtualAccount && req.virtualAccount.cashReceipt) || (req.transfer && req.transfer.cashReceipt);
    if (!opts) {
      return {};
    }
    if (["소득공제", "지출증빙", "미발행"].indexOf(opts.type) < 0) {
      fail("INVALID_PARAMETERS", "cashReceipt.type must be 소득공제, 지출증빙 or 미발행");
    }
    const out = { cashReceiptType: opts.type };
    if (typeof opts.registrationNumber === "string") {
      out.cashReceiptRegistrationNumber = opts.registrationNumber;
    }
    return out;
  }

  // checkOrder validates the fields that both requestPayment methods share and
  // returns them as window query parameters.
  function checkOrder(req) {
    if (!req || typeof req !== "object") {
      fail("INVALID_PARAMETERS", "pass the payment request object");
    }
    if (typeof req.orderId !== "string" || !orderIdPattern.test(req.orderId)) {
      fail("INVALID_PARAMETERS", "orderId must be 6-64 letters, digits, - or _");
    }
    if (typeof req.orderName !== "string" || req.orderName.length < 1 || req.orderName.length > 100) {
      fail("INVALID_PARAMETERS", "orderName must be 1-100 characters");
    }
    const metadata = checkMetadata(req.metadata);
    const promiseMode = req.successUrl == null && req.failUrl == null;
    if (promiseMode && !/^https?:$/.test(window.location.protocol)) {
      fail("NOT_SUPPORTED_PROMISE", "promise mode needs a page served over http or https");
    }
    return Object.assign(promiseMode ? { origin: window.location.origin } : redirectURLs(req), {
      orderId: req.orderId,
      orderName: req.orderName,
      customerName: optionalString(req, "customerName", upTo100Pattern),
      customerEmail: optionalString(req, "customerEmail", upTo100Pattern),
      customerMobilePhone: optionalString(req, "customerMobilePhone", mobilePhonePattern),
      metadata,
      taxFreeAmount: checkTaxFree(req.taxFreeAmount),
    }, cashReceiptParams(req));
  }

  // redirectURLs checks the successUrl and failUrl of redirect mode.
  function redirectURLs(req) {
    return {
      successUrl: absoluteURL(req.successUrl, "INCORRECT_SUCCESS_URL_FORMAT", "successUrl"),
      failUrl: absoluteURL(req.failUrl, "INCORRECT_FAIL_URL_FORMAT", "failUrl"),
    };
  }

  function windowHref(target, params) {
    const u = new URL(target);
    for (const k of Object.keys(params)) {
      if (params[k] !== "") {
        u.searchParams.set(k, String(params[k]));
      }
    }
    return u.href;
  }

  // openWindow sends the browser to a hosted window (windowURL or
  // billingAuthURL). The returned promise never settles: the page is being
  // replaced, as with Toss's redirect mode.
  function openWindow(target, params) {
    window.location.assign(windowHref(target, params));
    return new Promise(function () {});
  }

  // openFrame shows the payment window in an iframe over the page (promise
  // mode) and settles with the result the window posts back: {paymentKey,
  // orderId, amount: {currency, value}} (plus paymentType for widgets), or a
  // TossPaymentsError; closing the window is USER_CANCEL.
  function openFrame(params, withPaymentType) {
    const frame = document.createElement("iframe");
    frame.className = "paydeck-sandbox-frame";
    frame.title = "토스페이먼츠 샌드박스 결제창";
    frame.style.cssText = "position:fixed;inset:0;width:100%;height:100%;border:0;z-index:2147483647;background:rgba(0,0,0,.4)";
    frame.src = windowHref(windowURL, params);
    return new Promise(function (resolve, reject) {
      function onMessage(ev) {
        const data = ev.data;
        if (ev.source !== frame.contentWindow || ev.origin !== sandboxOrigin || !data || data.type !== resultType) {
          return;
        }
        window.removeEventListener("message", onMessage);
        frame.remove();
        const f = data.fields;
        if (!data.success) {
          reject(new TossPaymentsError(f.code === "PAY_PROCESS_CANCELED" ? "USER_CANCEL" : f.code, f.message));
          return;
        }
        const result = { paymentKey: f.paymentKey, orderId: f.orderId, amount: { currency: "KRW", value: Number(f.amount) } };
        if (withPaymentType) {
          result.paymentType = f.paymentType;
        }
        resolve(result);
      }
      window.addEventListener("message", onMessage);
      document.body.appendChild(frame);
    });
  }

  // requestWindow opens the payment window in the mode the request chose.
  function requestWindow(params, withPaymentType) {
    return params.origin ? openFrame(params, withPaymentType) : openWindow(windowURL, params);
  }

  // methodParams maps a method code (a payment method or a widget picker code)
  // to the window's method and easyPay parameters.
  function methodParams(code, card) {
    if (easyPayCodes.indexOf(code) >= 0) {
      return { method: "EASY_PAY", easyPay: code };
    }
    if (code === "CARD" && card && card.flowMode === "DIRECT" && typeof card.easyPay === "string") {
      return { method: "EASY_PAY", easyPay: card.easyPay };
    }
    return { method: code, easyPay: "" };
  }

  function mount(params) {
    if (!params || typeof params.selector !== "string") {
      fail("INVALID_SELECTOR", "pass {selector}");
    }
    if (params.variantKey !== undefined && typeof params.variantKey !== "string") {
      fail("INVALID_VARIANT_KEY", "variantKey must be a string");
    }
    let host = null;
    try {
      host = document.querySelector(params.selector);
    } catch (err) {
      fail("INVALID_SELECTOR", "selector is not valid CSS: " + params.selector);
    }
    if (!host) {
      fail("INVALID_SELECTOR", "no element matches " + params.selector);
    }
    return host;
  }

  function listenerList(eventName) {
    const listeners = [];
    return {
      add(name, callback) {
        if (name !== eventName) {
          fail("INVALID_EVENT_PARAMETER", "the only event is " + eventName);
        }
        if (typeof callback !== "function") {
          fail("INVALID_CALLBACK_PARAMETER", "callback must be a function");
        }
        listeners.push(callback);
      },
      emit(value) {
        for (const cb of listeners) {
          cb(value);
        }
      },
    };
  }

  function renderMethodPicker(host, onDestroy) {
    const box = document.createElement("fieldset");
    box.className = "paydeck-sandbox-methods";
    const legend = document.createElement("legend");
    legend.textContent = "결제 수단 (샌드박스)";
    box.appendChild(legend);
    const events = listenerList("paymentMethodSelect");
    let selected = widgetMethods[0].code;
    for (const m of widgetMethods) {
      const label = document.createElement("label");
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "paydeck-sandbox-method";
      input.value = m.code;
      input.checked = m.code === selected;
      input.addEventListener("change", function () {
        selected = m.code;
        events.emit({ code: m.code });
      });
      label.appendChild(input);
      label.appendChild(document.createTextNode(" " + m.label));
      box.appendChild(label);
    }
    host.appendChild(box);
    return {
      selected() {
        return selected;
      },
      widget: {
        on: events.add,
        getSelectedPaymentMethod() {
          return Promise.resolve({ code: selected });
        },
        destroy() {
          box.remove();
          onDestroy();
          return Promise.resolve();
        },
      },
    };
  }

  function renderAgreementBox(host, onDestroy) {
    const label = document.createElement("label");
    label.className = "paydeck-sandbox-agreement";
    const input = document.createElement("input");
    input.type = "checkbox";
    input.name = "paydeck-sandbox-agreement";
    input.checked = true;
    label.appendChild(input);
    label.appendChild(document.createTextNode(" [필수] 결제 서비스 이용 약관 및 개인정보 처리에 동의합니다"));
    host.appendChild(label);
    const events = listenerList("agreementStatusChange");
    function status() {
      return {
        agreedRequiredTerms: input.checked,
        agreements: [{ term: { id: "paydeck-sandbox-terms", required: true }, agreed: input.checked }],
      };
    }
    input.addEventListener("change", function () {
      events.emit(status());
    });
    return {
      agreed() {
        return input.checked;
      },
      widget: {
        on: events.add,
        destroy() {
          label.remove();
          onDestroy();
          return Promise.resolve();
        },
      },
    };
  }

  // windowCustomerKey is the customerKey the window receives: none for ANONYMOUS.
  function windowCustomerKey(params) {
    const key = checkCustomerKey(params);
    return key === ANONYMOUS ? "" : key;
  }

  function payment(clientKey, family, params) {
    if (family !== "payment") {
      fail("NOT_SUPPORTED_WIDGET_KEY", "payment() needs an API individual client key (test_ck_…), not a widget key");
    }
    const customerKey = windowCustomerKey(params);
    return {
      requestPayment(req) {
        return attempt(function () {
          const order = checkOrder(req);
          if (paymentMethods.indexOf(req.method) < 0) {
            fail("NOT_SUPPORTED_METHOD", "method " + String(req.method) + " is not supported by the sandbox");
          }
          const amount = checkAmount(req.amount);
          return requestWindow(Object.assign({ clientKey, customerKey, amount }, methodParams(req.method, req.card), order), false);
        });
      },
      requestBillingAuth(req) {
        return attempt(function () {
          if (customerKey === "") {
            fail("INVALID_CUSTOMER_KEY", "requestBillingAuth needs the shopper's customerKey, not ANONYMOUS");
          }
          if (!req || typeof req !== "object") {
            fail("INVALID_PARAMETERS", "pass the billing auth request object");
          }
          if (req.method !== "CARD") {
            fail("NOT_SUPPORTED_METHOD", "the sandbox emulates card billing auth only, not " + String(req.method));
          }
          return openWindow(billingAuthURL, Object.assign(redirectURLs(req), {
            clientKey,
            customerKey,
            method: req.method,
            customerName: optionalString(req, "customerName", upTo100Pattern),
            customerEmail: optionalString(req, "customerEmail", upTo100Pattern),
          }));
        });
      },
      destroy() {
        return Promise.resolve();
      },
    };
  }

  function widgets(clientKey, family, params) {
    if (family !== "widget") {
      fail("NOT_SUPPORTED_API_INDIVIDUAL_KEY", "widgets() needs a widget client key (test_gck_…), not an API individual key");
    }
    const customerKey = windowCustomerKey(params);
    let amount = 0;
    let picker = null;
    let agreement = null;
    return {
      setAmount(a) {
        return attempt(function () {
          amount = checkAmount(a);
        });
      },
      renderPaymentMethods(p) {
        return attempt(function () {
          if (amount === 0) {
            fail("NOT_SETUP_AMOUNT", "call setAmount before renderPaymentMethods");
          }
          if (picker) {
            fail("PAYMENT_METHODS_WIDGET_ALREADY_RENDERED", "the payment methods widget is already rendered");
          }
          picker = renderMethodPicker(mount(p), function () {
            picker = null;
          });
          return picker.widget;
        });
      },
      renderAgreement(p) {
        return attempt(function () {
          if (agreement) {
            fail("AGREEMENT_WIDGET_ALREADY_RENDERED", "the agreement widget is already rendered");
          }
          agreement = renderAgreementBox(mount(p), function () {
            agreement = null;
          });
          return agreement.widget;
        });
      },
      requestPayment(req) {
        return attempt(function () {
          if (amount === 0) {
            fail("NOT_SETUP_AMOUNT", "call setAmount before requestPayment");
          }
          if (!picker) {
            fail("NOT_SELECTED_PAYMENT_METHOD", "render the payment methods widget and select a method first");
          }
          if (agreement && !agreement.agreed()) {
            fail("NEED_AGREEMENT_WITH_REQUIRED_TERMS", "the shopper has not agreed to the required terms");
          }
          const order = checkOrder(req);
          return requestWindow(Object.assign({ clientKey, customerKey, amount }, methodParams(picker.selected()), order), true);
        });
      },
    };
  }

  // TossPayments is the global entry point; like the official one it is a plain
  // function (the official loader calls it without new).
  function TossPayments(clientKey) {
    const family = keyFamily(clientKey);
    return {
      payment(params) {
        return payment(clientKey, family, params);
      },
      widgets(params) {
        return widgets(clientKey, family, params);
      },
      brandpay() {
        return fail("NOT_SUPPORTED_METHOD", "BrandPay is not emulated by the paydeck sandbox");
      },
    };
  }
  TossPayments.ANONYMOUS = ANONYMOUS;
  window.TossPayments = TossPayments;
})();
