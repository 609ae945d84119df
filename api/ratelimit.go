package api

import "github.com/paydeck/paydeck/account"

// RateLimit is a token bucket: Burst attempts at once, then one more every
// Every. Sign-in limits live in package account (one limiter for the API
// and the pages).
type RateLimit = account.Limit
