package main

import (
	"os"
	"strings"
	"sync"
	"time"
)

// clockOffsetEnv names a file holding a duration ("720h") added to the
// process clock. It exists for tests that run paydeck and its sandbox as
// separate processes and move months of renewals through them in minutes:
// every process given the same file shares one shifted clock. Never set
// it in production.
const clockOffsetEnv = "PAYDECK_CLOCK_OFFSET_FILE"

// offsetClock returns time.Now plus the duration in path, re-read at most
// every 10 ms; a missing, empty or unreadable file counts as no offset,
// and the clock never goes back.
func offsetClock(path string) func() time.Time {
	var mu sync.Mutex
	var offset time.Duration
	var readAt time.Time
	return func() time.Time {
		now := time.Now()
		mu.Lock()
		defer mu.Unlock()
		if now.Sub(readAt) >= 10*time.Millisecond {
			readAt = now
			if b, err := os.ReadFile(path); err == nil {
				if d, err := time.ParseDuration(strings.TrimSpace(string(b))); err == nil && d > offset {
					offset = d
				}
			}
		}
		return now.Add(offset)
	}
}
