// Package auth hashes and checks user passwords with argon2id
// (golang.org/x/crypto/argon2, RFC 9106) and issues and verifies the API's
// bearer tokens (HS256 JWTs, Tokens).
//
// Password hashes are stored in the PHC string format
// "$argon2id$v=19$m=...,t=...,p=...$salt$key", so the cost parameters travel
// with each hash and can be raised later without breaking existing users.
package auth
