package sandbox

import (
	"encoding/base64"
	"net/http"
	"strings"
)

// authHeaders are the exact Authorization values of the built-in secret
// keys: the fast path of authenticate.
var authHeaders = func() (hs [len(keyPairs)]string) {
	for i, kp := range keyPairs {
		hs[i] = "Basic " + base64.StdEncoding.EncodeToString([]byte(kp.secret+":"))
	}
	return hs
}()

// authenticate resolves the Basic credentials "secretKey:" to a built-in key
// pair (docs/toss.md#authentication, docs/toss.md#common-error-codes): a missing or non-Basic header, an
// unknown, live or client key gives 401 UNAUTHORIZED_KEY; undecodable
// base64 or a credential without the colon gives 403
// INCORRECT_BASIC_AUTH_FORMAT.
func authenticate(r *http.Request) (uint8, *apiError) {
	h := r.Header.Get("Authorization")
	for i, want := range authHeaders {
		if h == want {
			return uint8(i), nil
		}
	}
	scheme, enc, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Basic") {
		return 0, newError("UNAUTHORIZED_KEY", "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(enc))
	if err != nil {
		return 0, newError("INCORRECT_BASIC_AUTH_FORMAT", "잘못된 요청입니다. ':' 를 포함해 인코딩해주세요.")
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok {
		return 0, newError("INCORRECT_BASIC_AUTH_FORMAT", "잘못된 요청입니다. ':' 를 포함해 인코딩해주세요.")
	}
	if pass == "" {
		for i, kp := range keyPairs {
			if kp.secret == user {
				return uint8(i), nil
			}
		}
	}
	return 0, newError("UNAUTHORIZED_KEY", "인증되지 않은 시크릿 키 혹은 클라이언트 키 입니다.")
}
