package admin_test

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/paydeck/paydeck/internal/apptest"
	"github.com/paydeck/paydeck/notify"
)

// TestJobQueuePage: when mail cannot be sent, the owner's job page (inside
// the admin's frame, in Korean) lists the retrying mail jobs with their
// error and links to River UI for the details.
func TestJobQueuePage(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	port := l.Addr().(*net.TCPAddr).Port
	require.NoError(t, l.Close()) // nothing listens there: every send fails
	apptest.EachEngine(t, func(t *testing.T, env *apptest.Env) {
		s := newStore(t, env)
		empty := s.admin.Get(t, "/admin/jobs")
		require.Equal(t, http.StatusOK, empty.Status, empty.Body)
		require.Contains(t, empty.Body, `<a class="brand" href="/admin/">`, "inside the admin's frame")
		require.Contains(t, empty.Body, "<h1>작업 큐</h1>")
		require.Contains(t, empty.Body, `<a href="/admin/jobs">작업 큐</a>`, "the menu leads here")

		s.paid(t, 1, "CARD")
		var page string
		apptest.WaitFor(t, "a retrying mail job", func() bool {
			page = s.admin.Get(t, "/admin/jobs").Body
			return strings.Contains(page, `id="jobs-retrying"`)
		})
		retrying := page[strings.Index(page, `id="jobs-retrying"`):]
		retrying = retrying[:strings.Index(retrying, "</table>")]
		require.Contains(t, retrying, "메일 보내기")
		require.Contains(t, retrying, "connection refused", "the last error is shown")
		en := s.admin.Get(t, "/admin/jobs?lang=en").Body
		require.Contains(t, en, "Send mail")
	}, apptest.WithSMTP(&notify.SMTP{Host: "127.0.0.1", Port: port, TLS: "none"}))
}
