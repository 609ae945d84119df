package admin

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paydeck/paydeck"
)

// perPage is the page size of the admin lists.
const perPage = 30

// listQuery is the filter and page of an admin list, as given in the URL.
type listQuery struct {
	// Q is the search box: a partial order number, name, email or phone.
	Status, Method, From, To, OrderID, Email, Q string
	Page                                        int
	// from and before bound the dates as [From 00:00 KST, To+1 00:00 KST).
	from, before *time.Time
}

// parseList reads the list filters from q; bad dates are ignored.
func parseList(q url.Values) listQuery {
	l := listQuery{Status: q.Get("status"), Method: q.Get("method"), From: q.Get("from"), To: q.Get("to"),
		OrderID: q.Get("orderId"), Email: q.Get("email"), Q: strings.TrimSpace(q.Get("q"))}
	l.Page, _ = strconv.Atoi(q.Get("page"))
	l.Page = max(l.Page, 1)
	if t, err := time.ParseInLocation(time.DateOnly, l.From, paydeck.KST); err == nil {
		l.from = &t
	}
	if t, err := time.ParseInLocation(time.DateOnly, l.To, paydeck.KST); err == nil {
		end := t.AddDate(0, 0, 1)
		l.before = &end
	}
	return l
}

// offset is the first row of the page.
func (l listQuery) offset() int { return (l.Page - 1) * perPage }

// pageURL is the list URL of page n with the same filters.
func (l listQuery) pageURL(path string, n int) string {
	q := l.values()
	q.Set("page", strconv.Itoa(n))
	return path + "?" + q.Encode()
}

// values are the list's filters (no page) as a URL query.
func (l listQuery) values() url.Values {
	q := url.Values{}
	for k, v := range map[string]string{"status": l.Status, "method": l.Method, "from": l.From, "to": l.To,
		"orderId": l.OrderID, "email": l.Email, "q": l.Q} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return q
}

// pager is the previous/next links of a list.
type pager struct {
	Total       int
	Prev, Next  string
	First, Last int
}

func newPager(l listQuery, path string, total, shown int) pager {
	p := pager{Total: total, First: l.offset() + 1, Last: l.offset() + shown}
	if l.Page > 1 {
		p.Prev = l.pageURL(path, l.Page-1)
	}
	if l.offset()+shown < total {
		p.Next = l.pageURL(path, l.Page+1)
	}
	return p
}
