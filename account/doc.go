// Package account is paydeck's one account service: sign-up and sign-in
// with a password policy, one limiter for guessing, server-side sessions
// for the pages and bearer tokens for the API, and the one way to read a
// request's client IP. The api, web and admin packages all go through it,
// so each rule is written once.
//
// Rules it enforces (docs/security.md lists the tests):
//
//   - Guessing: an attempt takes a slot from two token buckets, one per
//     (account, client IP) pair and one per client IP, before any password
//     is hashed; a full bucket answers ThrottledError without hashing. A
//     sign-in never locks an account for everyone: another IP has its own
//     pair bucket, and a success refills the pair's bucket.
//   - Unknown emails cost one hash of a decoy, as a wrong password does.
//   - Passwords: at least MinPasswordLen characters, not the email (nor
//     its part before '@'), not in an embedded list of common passwords.
//   - Sessions are rows (paydeck.Session). Cookies and tokens carry a
//     random secret whose SHA-256 is the row's ID; every request reads the
//     row and the user's current role. Logout, password change, role
//     change and deletion delete the rows; admin sessions end after
//     AdminIdle without use and AdminMaxAge after sign-in.
//   - Client IP: the connection's address, or, when that address is a
//     trusted proxy (Config.TrustedProxies), the nearest untrusted
//     address in X-Forwarded-For.
//
// Limits are kept in memory, per process.
package account
