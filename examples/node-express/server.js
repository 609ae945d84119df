// A small shop that takes payments with Toss Payments, written the way Toss's
// integration guide shows: the browser loads Toss's SDK v2 script, the shopper
// pays in the widget or the payment window, and the success page hands
// paymentKey, orderId and amount to this server, which confirms the payment
// with its secret key.
//
// Nothing here knows about paydeck. Point the two base URLs at `paydeck
// sandbox` and it runs offline; leave them unset and it talks to Toss.
//
//   TOSS_API_BASE_URL  Toss core API         (default https://api.tosspayments.com)
//   TOSS_SDK_URL       SDK v2 script         (default https://js.tosspayments.com/v2/standard)
//   TOSS_WIDGET_CLIENT_KEY, TOSS_WIDGET_SECRET_KEY   widget key pair (default: Toss's docs test keys)
//   TOSS_CLIENT_KEY, TOSS_SECRET_KEY                 API individual key pair (default: Toss's docs test keys)
//   HOST, PORT         where to listen       (default 127.0.0.1:4000; PORT=0 picks a free port)
"use strict";

const crypto = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const express = require("express");

const config = {
  apiBaseURL: (process.env.TOSS_API_BASE_URL || "https://api.tosspayments.com").replace(/\/+$/, ""),
  sdkURL: process.env.TOSS_SDK_URL || "https://js.tosspayments.com/v2/standard",
  // The public test keys from Toss's documentation; use your own from the
  // developer center for a real shop. Secret keys stay on the server.
  widget: {
    clientKey: process.env.TOSS_WIDGET_CLIENT_KEY || "test_gck_docs_Ovk5rk1EwkEbP0W43n07xlzm",
    secretKey: process.env.TOSS_WIDGET_SECRET_KEY || "test_gsk_docs_OaPz8L5KdmQXkzRz3y47BMw6",
  },
  payment: {
    clientKey: process.env.TOSS_CLIENT_KEY || "test_ck_D5GePWvyJnrK0W0k6q8gLzN97Eoq",
    secretKey: process.env.TOSS_SECRET_KEY || "test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R",
  },
  host: process.env.HOST || "127.0.0.1",
  port: Number(process.env.PORT || 4000),
};

// Orders this shop has offered, by orderId. A real shop keeps them in its
// database: the amount stored here, not the one in the success URL, is what
// the shopper owes.
const orders = new Map();
const product = { name: "토스 티셔츠 외 2건", amount: 50000 };

function newOrder(flow) {
  const order = { orderId: "order-" + crypto.randomUUID(), flow, orderName: product.name, amount: product.amount };
  orders.set(order.orderId, order);
  return order;
}

// Pages are files in public/ with {{NAME}} placeholders, filled HTML-escaped.
function escapeHTML(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function render(res, file, vars) {
  const page = fs.readFileSync(path.join(__dirname, "public", file), "utf8");
  res.type("html").send(page.replace(/\{\{(\w+)\}\}/g, (_, name) => escapeHTML(vars[name] ?? "")));
}

const app = express();
app.use(express.json());
app.use(express.static(path.join(__dirname, "public"), { index: false, extensions: [] }));

app.get("/", (req, res) => render(res, "index.html", {}));

// The widget (결제위젯) checkout, with the widget key pair.
app.get("/widget/checkout", (req, res) => {
  const order = newOrder("widget");
  render(res, "widget/checkout.html", {
    SDK_URL: config.sdkURL,
    CONFIG: JSON.stringify({ clientKey: config.widget.clientKey, orderId: order.orderId, orderName: order.orderName, amount: order.amount }),
  });
});

// The payment window (결제창) checkout, with the API individual key pair.
app.get("/payment/checkout", (req, res) => {
  const order = newOrder("payment");
  render(res, "payment/checkout.html", {
    SDK_URL: config.sdkURL,
    CONFIG: JSON.stringify({
      clientKey: config.payment.clientKey,
      customerKey: "customer-" + crypto.randomUUID(),
      orderId: order.orderId,
      orderName: order.orderName,
      amount: order.amount,
    }),
  });
});

app.get("/widget/success", (req, res) => render(res, "success.html", { CONFIRM_PATH: "/confirm/widget" }));
app.get("/payment/success", (req, res) => render(res, "success.html", { CONFIRM_PATH: "/confirm/payment" }));
app.get("/fail", (req, res) => render(res, "fail.html", {}));

// confirm forwards paymentKey, orderId and amount, exactly as the success
// page sent them, to Toss's confirm API with the flow's secret key, and
// answers with Toss's status and body.
function confirm(flow, secretKey) {
  return async (req, res) => {
    const { paymentKey, orderId, amount } = req.body || {};
    // The success URL is in the shopper's hands: check the order and its
    // amount before asking Toss to take the money.
    const order = orders.get(orderId);
    if (!order || order.flow !== flow || String(order.amount) !== String(amount)) {
      res.status(400).json({ code: "ORDER_MISMATCH", message: "주문 정보가 결제 요청과 다릅니다." });
      return;
    }
    // Toss's Basic auth: the secret key is the user name, the password is
    // empty, hence the colon.
    const authorization = "Basic " + Buffer.from(secretKey + ":").toString("base64");
    try {
      const response = await fetch(config.apiBaseURL + "/v1/payments/confirm", {
        method: "POST",
        headers: {
          Authorization: authorization,
          "Content-Type": "application/json",
          "Idempotency-Key": "confirm-" + orderId,
        },
        body: JSON.stringify({ paymentKey, orderId, amount }),
      });
      const result = await response.json();
      console.log("confirm %s %s: %d %s", flow, orderId, response.status, result.status || result.code);
      res.status(response.status).json(result);
    } catch (err) {
      console.error("confirm %s %s: %s", flow, orderId, err);
      res.status(502).json({ code: "CONFIRM_UNREACHABLE", message: "결제 승인 요청을 보내지 못했습니다." });
    }
  };
}

app.post("/confirm/widget", confirm("widget", config.widget.secretKey));
app.post("/confirm/payment", confirm("payment", config.payment.secretKey));

const server = app.listen(config.port, config.host, () => {
  const { address, port } = server.address();
  console.log(`example shop listening on http://${address}:${port}`);
});
