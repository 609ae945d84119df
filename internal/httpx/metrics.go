package httpx

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// unmatchedRoute labels requests that no ServeMux pattern matched, so that
// scanners probing random paths cannot grow the label set.
const unmatchedRoute = "unmatched"

// route returns the ServeMux pattern that matched r, or "unmatched". The
// mux records the pattern on the request it was given, so middleware outside
// the mux sees it after the handler returns.
func route(r *http.Request) string {
	if r.Pattern == "" {
		return unmatchedRoute
	}
	return r.Pattern
}

// Metrics counts and times HTTP requests by route pattern and status code.
type Metrics struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	now      func() time.Time
}

// NewMetrics registers paydeck_http_requests_total and
// paydeck_http_request_duration_seconds, both labelled by route and code, in
// reg. now is the clock for durations; nil means time.Now. It returns the
// registry's error when a metric of the same name is already registered.
func NewMetrics(reg prometheus.Registerer, now func() time.Time) (*Metrics, error) {
	if now == nil {
		now = time.Now
	}
	m := &Metrics{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "paydeck_http_requests_total",
			Help: "HTTP requests served, by route pattern and status code.",
		}, []string{"route", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "paydeck_http_request_duration_seconds",
			Help:    "Time to serve HTTP requests, by route pattern and status code.",
			Buckets: prometheus.DefBuckets,
		}, []string{"route", "code"}),
		now: now,
	}
	for _, c := range []prometheus.Collector{m.requests, m.duration} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// Middleware records one observation per request once the handler returns.
// It must wrap the ServeMux (directly or through other middleware) so that
// the matched pattern is known.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := m.now()
		rec := record(w)
		next.ServeHTTP(rec, r)
		labels := prometheus.Labels{"route": route(r), "code": strconv.Itoa(rec.code())}
		m.requests.With(labels).Inc()
		m.duration.With(labels).Observe(m.now().Sub(start).Seconds())
	})
}
