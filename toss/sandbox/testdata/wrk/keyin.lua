-- wrk script: POST /v1/payments/key-in with a unique orderId per request,
-- authenticated with the documentation secret key (sandbox.DocsSecretKey).
-- Usage (see bench_test.go): wrk -t2 -c32 -d10s -s keyin.lua http://127.0.0.1:8090
local counter = 0
local prefix = ""
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  math.randomseed(os.time() * 1000 + (tid or 0))
  prefix = tostring(math.random(100000000, 999999999)) .. "-" .. tostring(tid)
end
function request()
  counter = counter + 1
  local body = '{"amount":15000,"orderId":"wrk-' .. prefix .. '-' .. counter .. '","orderName":"벤치마크 상품","cardNumber":"4330123412341234","cardExpirationYear":"29","cardExpirationMonth":"08","customerIdentityNumber":"881212"}'
  return wrk.format("POST", "/v1/payments/key-in", {["Authorization"]="Basic dGVzdF9za196WExrS0V5cE5BcldtbzUwblgzbG1lYXhZRzVSOg==", ["Content-Type"]="application/json"}, body)
end
