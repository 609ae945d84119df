// check.js reads one JSON request on stdin and answers on stdout, using the
// stock Standard Webhooks library from npm (pinned in package-lock.json):
//   {"op":"verify","secret":…,"headers":{…},"body":…} -> {"ok":true} or {"ok":false,"error":…}
//   {"op":"sign","secret":…,"id":…,"timestamp":<unix s>,"body":…} -> {"signature":…}
const { Webhook } = require("standardwebhooks");

let input = "";
process.stdin.on("data", (c) => (input += c));
process.stdin.on("end", () => {
  const req = JSON.parse(input);
  const wh = new Webhook(req.secret);
  let out;
  if (req.op === "sign") {
    out = { signature: wh.sign(req.id, new Date(req.timestamp * 1000), req.body) };
  } else {
    try {
      wh.verify(req.body, req.headers);
      out = { ok: true };
    } catch (e) {
      out = { ok: false, error: String(e && e.message) };
    }
  }
  process.stdout.write(JSON.stringify(out));
});
