package toss

import (
	"context"
	"iter"
	"net/http"
	"net/url"
)

// pager fetches one page: the items, and whether another page may follow
// together with what the next request needs (captured by the closure).
type pager[T any] func(ctx context.Context) (items []T, more bool, err error)

// paginate turns pagers into an iterator that fetches pages lazily and stops
// at the first error (yielded once with the zero T) or when the caller breaks.
// newPager is called at the start of every range, so each range over the
// returned iterator starts again from the first page.
func paginate[T any](ctx context.Context, newPager func() pager[T]) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		next := newPager()
		for {
			items, more, err := next(ctx)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, it := range items {
				if !yield(it, nil) {
					return
				}
			}
			if !more || len(items) == 0 {
				return
			}
		}
	}
}

// getList performs a GET of a list endpoint into out.
func getList(ctx context.Context, b *backend, route string, q url.Values, out any) error {
	return b.call(ctx, request{method: http.MethodGet, route: route, path: route, query: q, slow: true}, out)
}
