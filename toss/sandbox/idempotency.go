package sandbox

import (
	"crypto/sha256"
	"net/http"
	"slices"
	"time"
)

const (
	maxIdemKeyLen = 300
	idemTTL       = int64(15 * 24 * time.Hour) // docs/toss.md#idempotency: 15 days from first use
)

// idemKey is a digest of secret key + method + URL + Idempotency-Key: the
// match scope of docs/toss.md#idempotency (the body is not part of it).
type idemKey [16]byte

// idemEntry is the first response for a key. A Payment response is kept as
// a reference to the live payment (ref) while that payment is unchanged, and
// as a frozen copy (snap) once it changes (freezeLocked), so the common case
// costs no copy at all; other responses keep their bytes.
type idemEntry struct {
	Expires int64    `json:"expires"`
	Done    bool     `json:"done"`
	Status  int      `json:"status"`
	Body    []byte   `json:"body,omitempty"`
	Lang    lang     `json:"lang,omitempty"` // of a Payment response
	ref     *payment // rendered into Body when saved
	snap    *payment
}

// bodyLocked is the stored response body at sandbox time now.
func (s *Server) bodyLocked(e *idemEntry, now int64) []byte {
	switch {
	case e.snap != nil:
		return s.renderPaymentIn(e.snap, now, e.Lang)
	case e.ref != nil:
		return s.renderPaymentIn(e.ref, now, e.Lang)
	}
	return e.Body
}

// freezeLocked must precede every change of p: entries that refer to p get a
// copy of its current state. Sub-objects are replaced, never mutated, so a
// shallow copy suffices.
func (s *Server) freezeLocked(p *payment) {
	if p.refs == nil {
		return
	}
	cp := *p
	cp.refs = nil
	for _, e := range *p.refs {
		e.ref, e.snap = nil, &cp
	}
	p.refs = nil
}

// touchLocked prepares p for a change: freeze references, mark state dirty.
func (s *Server) touchLocked(p *payment) {
	s.freezeLocked(p)
	s.dirty = true
}

func makeIdemKey(pair uint8, r *http.Request, key string) idemKey {
	h := sha256.New()
	for _, part := range []string{keyPairs[pair].secret, r.Method, r.URL.Path, r.URL.RawQuery, key} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	var k idemKey
	copy(k[:], h.Sum(nil))
	return k
}

// idemBegin claims k for a new request. It returns busy while the first
// request with k is still running, the stored response once it finished,
// or (nil, false) when the caller should process the request.
func (s *Server) idemBegin(k idemKey) (prev *result, busy bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.nowLocked()
	if e, ok := s.idem[k]; ok && now < e.Expires {
		if !e.Done {
			return nil, true
		}
		return &result{status: e.Status, body: s.bodyLocked(e, now)}, false
	}
	s.idem[k] = &idemEntry{Expires: now + idemTTL}
	return nil, false
}

// idemFinishLocked stores the first response for k; any response is
// replayed, errors included (docs/toss.md#idempotency UNCONFIRMED: "always the same
// result").
func (s *Server) idemFinishLocked(k idemKey, res result) {
	e, ok := s.idem[k]
	if !ok {
		return // reset while running
	}
	e.Done, e.Status = true, res.status
	if p := res.pay; p != nil {
		e.ref, e.Lang = p, res.lang
		if p.refs == nil {
			p.refs = new([]*idemEntry)
		}
		*p.refs = append(*p.refs, e)
	} else {
		e.Body = res.body
	}
	s.dirty = true
}

// idemForget releases k when nothing was processed (hang fault).
func (s *Server) idemForget(k idemKey) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.idem, k)
}

// sweepIdemLocked drops keys older than 15 days of sandbox time. It scans
// every key, so it runs at most once per hour of sandbox time.
func (s *Server) sweepIdemLocked(now int64) {
	if now-s.swept < int64(time.Hour) {
		return
	}
	s.swept = now
	for k, e := range s.idem {
		if !e.Done || now < e.Expires {
			continue
		}
		delete(s.idem, k)
		if p := e.ref; p != nil {
			*p.refs = slices.DeleteFunc(*p.refs, func(x *idemEntry) bool { return x == e })
			if len(*p.refs) == 0 {
				p.refs = nil
			}
		}
	}
}
