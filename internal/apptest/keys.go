package apptest

import "github.com/paydeck/paydeck/auth"

// APISecret is the JWT signing key of every API test server and Site.
var APISecret = []byte("apptest-jwt-signing-key-0123456789abcdef")

// CheapHasher hashes test passwords fast; production uses auth.DefaultParams.
var CheapHasher = auth.NewHasher(auth.Params{Memory: 64, Iterations: 1, Parallelism: 1}, nil)

// SiteSecret signs the session cookies of every Site; it is also the
// customerKey secret, so Env and Site derive the same customerKeys.
var SiteSecret = []byte("apptest-site-session-key-0123456789abcdef")
