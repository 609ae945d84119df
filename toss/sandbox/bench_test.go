package sandbox_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/paydeck/paydeck/toss/sandbox"
)

// Load runs with wrk against a standalone sandbox (paydeck sandbox --addr
// 127.0.0.1:8090), the load tool on the same box:
//
//	AUTH='Authorization: Basic dGVzdF9za196WExrS0V5cE5BcldtbzUwblgzbG1lYXhZRzVSOg=='
//	KEY=$(curl -s -u test_sk_zXLkKEypNArWmo50nX3lmeaxYG5R: -H 'Content-Type: application/json' \
//	  -d '{"amount":1000,"orderId":"wrk-seed-1","orderName":"x","cardNumber":"4330123412341234","cardExpirationYear":"29","cardExpirationMonth":"08","customerIdentityNumber":"881212"}' \
//	  http://127.0.0.1:8090/v1/payments/key-in | jq -r .paymentKey)
//	wrk -t2 -c32 -d10s -H "$AUTH" http://127.0.0.1:8090/v1/payments/$KEY   # GET payment
//	wrk -t2 -c32 -d10s -s testdata/wrk/keyin.lua http://127.0.0.1:8090   # key-in, unique orderIds

// benchServer is a sandbox without webhooks on a loopback HTTP server, with
// a client that keeps enough idle connections for RunParallel.
func benchServer(b *testing.B) (*sandbox.Server, *httptest.Server, *http.Client) {
	b.Helper()
	srv, err := sandbox.New(sandbox.Options{})
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	b.Cleanup(func() {
		ts.Close()
		_ = srv.Close()
	})
	tr := &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: time.Minute}
	return srv, ts, &http.Client{Transport: tr}
}

var orderSeq atomic.Int64

func keyInJSON() string {
	return fmt.Sprintf(`{"amount":15000,"orderId":"bench-%d","orderName":"벤치마크 상품","cardNumber":"4330123412341234",`+
		`"cardExpirationYear":"29","cardExpirationMonth":"08","customerIdentityNumber":"881212"}`, orderSeq.Add(1))
}

func mustDo(b *testing.B, c *http.Client, r *http.Request) {
	resp, err := c.Do(r)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Fatalf("status %d", resp.StatusCode)
	}
}

// BenchmarkGetPayment is GET /v1/payments/{paymentKey} over loopback HTTP.
func BenchmarkGetPayment(b *testing.B) {
	_, ts, c := benchServer(b)
	r, _ := http.NewRequest("POST", ts.URL+"/v1/payments/key-in", strings.NewReader(keyInJSON()))
	r.Header.Set("Authorization", basic(sk))
	resp, err := c.Do(r)
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	key := string(raw[bytes.Index(raw, []byte(`"paymentKey":"`))+14:])
	key = key[:strings.IndexByte(key, '"')]
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r, _ := http.NewRequest("GET", ts.URL+"/v1/payments/"+key, nil)
			r.Header.Set("Authorization", basic(sk))
			mustDo(b, c, r)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkKeyIn is POST /v1/payments/key-in with unique orderIds over loopback HTTP.
func BenchmarkKeyIn(b *testing.B) {
	_, ts, c := benchServer(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r, _ := http.NewRequest("POST", ts.URL+"/v1/payments/key-in", strings.NewReader(keyInJSON()))
			r.Header.Set("Authorization", basic(sk))
			mustDo(b, c, r)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}

// BenchmarkMemoryPerPayment stores b.N key-in payments (through ServeHTTP,
// no network) and reports the retained heap per payment. Run it with
// -benchtime=100000x for a stable figure. The "idem" variant sends an
// Idempotency-Key with each request, as the toss client does.
func BenchmarkMemoryPerPayment(b *testing.B) {
	for _, idem := range []bool{false, true} {
		b.Run(fmt.Sprintf("idem=%v", idem), func(b *testing.B) {
			srv, err := sandbox.New(sandbox.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer srv.Close()
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			for i := range b.N {
				r := httptest.NewRequest("POST", "/v1/payments/key-in", strings.NewReader(keyInJSON()))
				r.Header.Set("Authorization", basic(sk))
				if idem {
					r.Header.Set("Idempotency-Key", fmt.Sprintf("c0a8e3f2-7b1d-4e5f-9a6b-%012d", i))
				}
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatalf("status %d: %s", w.Code, w.Body)
				}
			}
			runtime.GC()
			runtime.ReadMemStats(&after)
			b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/float64(b.N), "B/payment")
			runtime.KeepAlive(srv)
		})
	}
}
