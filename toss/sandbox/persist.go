package sandbox

import (
	"cmp"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"time"
)

// stateFile is the JSON layout of Options.StatePath.
type stateFile struct {
	Format   int          `json:"format"`
	Offset   int64        `json:"clockOffsetNanos"`
	Payments []*payment   `json:"payments"`
	Txs      []txRecord   `json:"transactions"` // the order of GET /v1/transactions
	Billings []*billing   `json:"billings"`
	AuthKeys []*authKey   `json:"authKeys"`
	Receipts []*receipt   `json:"receipts"`
	RcptSeq  int64        `json:"receiptSeq"`
	Idem     []idemRecord `json:"idempotency"`
	Webhooks []*delivery  `json:"webhooks"`
	HookSeq  uint64       `json:"webhookSeq"`
}

type txRecord struct {
	PaymentKey string `json:"paymentKey"`
	Index      int32  `json:"index"` // as in txRef
}

type idemRecord struct {
	Key string `json:"key"`
	idemEntry
}

const stateFormat = 1

// load reads Options.StatePath; a missing file is an empty state.
func (s *Server) load() error {
	if s.opts.StatePath == "" {
		return nil
	}
	b, err := os.ReadFile(s.opts.StatePath)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sandbox: read state: %w", err)
	}
	var f stateFile
	if err := json.Unmarshal(b, &f); err != nil {
		return fmt.Errorf("sandbox: decode state %s: %w", s.opts.StatePath, err)
	}
	if f.Format != stateFormat {
		return fmt.Errorf("sandbox: state %s has format %d, want %d", s.opts.StatePath, f.Format, stateFormat)
	}
	st := newState()
	for _, p := range f.Payments {
		st.payments[p.Key] = p
		if prev, ok := st.orders[p.OrderID]; !ok || prev.RequestedAt <= p.RequestedAt {
			st.orders[p.OrderID] = p
		}
		if pendingLocked(p) {
			st.pending[p] = struct{}{}
		}
	}
	for _, r := range f.Txs {
		p, ok := st.payments[r.PaymentKey]
		if !ok || r.Index < -2 || int(r.Index) >= len(p.Cancels) || (r.Index == -2 && p.VA == nil) {
			return fmt.Errorf("sandbox: decode state %s: bad transaction %s/%d", s.opts.StatePath, r.PaymentKey, r.Index)
		}
		st.txs = append(st.txs, txRef{p, r.Index})
	}
	for _, b := range f.Billings {
		st.billings[b.Key] = b
	}
	for _, k := range f.AuthKeys {
		st.authKeys[k.Key] = k
	}
	st.receipts, st.rcptSeq = f.Receipts, f.RcptSeq
	for _, r := range f.Idem {
		var k idemKey
		if _, err := hex.Decode(k[:], []byte(r.Key)); err != nil {
			return fmt.Errorf("sandbox: decode state %s: idempotency key: %w", s.opts.StatePath, err)
		}
		e := r.idemEntry
		s.idem[k] = &e
	}
	s.st, s.offset = st, time.Duration(f.Offset)
	s.hooks.pending, s.hooks.seq = f.Webhooks, f.HookSeq
	return nil
}

// snapshotLocked encodes the whole state.
func (s *Server) snapshotLocked() ([]byte, error) {
	now := s.nowLocked()
	f := stateFile{Format: stateFormat, Offset: int64(s.offset), RcptSeq: s.st.rcptSeq, Receipts: s.st.receipts,
		Webhooks: s.hooks.pending, HookSeq: s.hooks.seq}
	for _, p := range s.st.payments {
		f.Payments = append(f.Payments, p)
	}
	slices.SortFunc(f.Payments, func(a, b *payment) int {
		return cmp.Or(cmp.Compare(a.RequestedAt, b.RequestedAt), cmp.Compare(a.Key, b.Key))
	})
	f.Txs = make([]txRecord, len(s.st.txs))
	for i, r := range s.st.txs {
		f.Txs[i] = txRecord{r.p.Key, r.idx}
	}
	for _, b := range s.st.billings {
		f.Billings = append(f.Billings, b)
	}
	for _, k := range s.st.authKeys {
		f.AuthKeys = append(f.AuthKeys, k)
	}
	for k, e := range s.idem {
		if !e.Done {
			continue // in flight: not a stored response yet
		}
		r := idemRecord{Key: hex.EncodeToString(k[:]), idemEntry: *e}
		r.Body = s.bodyLocked(e, now)
		f.Idem = append(f.Idem, r)
	}
	return json.Marshal(f)
}

// saveIfDirty writes the state when it changed since the last save.
func (s *Server) saveIfDirty() error {
	if s.opts.StatePath == "" {
		return nil
	}
	s.mu.Lock()
	if !s.dirty {
		s.mu.Unlock()
		return nil
	}
	b, err := s.snapshotLocked()
	s.dirty = false
	s.mu.Unlock()
	if err == nil {
		err = writeAtomic(s.opts.StatePath, b)
	}
	if err != nil {
		s.mu.Lock()
		s.dirty = true
		s.mu.Unlock()
	}
	return err
}

// save writes the state unconditionally (Close).
func (s *Server) save() error {
	if s.opts.StatePath == "" {
		return nil
	}
	s.mu.Lock()
	s.dirty = true
	s.mu.Unlock()
	return s.saveIfDirty()
}

// writeAtomic replaces path with b via a synced temp file and a rename.
func writeAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("sandbox: save state: %w", err)
	}
	return nil
}
