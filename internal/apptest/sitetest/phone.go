package sitetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// PagesTimeout is how long a browser may take for CheckPages over a
// Scene's pages: generous, as the machines that run it are often busy, and
// more so when it also takes four screenshots of every page.
var PagesTimeout = func() time.Duration {
	if Screenshots() {
		return 15 * time.Minute
	}
	return 5 * time.Minute
}()

// PhoneWidth is the viewport width the phone-layout checks use: an iPhone
// 12 to 15 in portrait.
const PhoneWidth = 390

// layoutScript lists what is broken in the current page's layout: any
// visible element that reaches past the viewport's right or left edge, any
// table cell narrower than its longest word (a word that has to break
// mid-word: "결제수/단"), a card cell whose heading is drawn over its value,
// and SVG chart text drawn smaller than 9 px.
// Text in code elements and links' long IDs may break anywhere and is not
// counted as a word.
const layoutScript = `(() => {
  const vw = document.documentElement.clientWidth;
  const out = [];
  const name = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className) s += '.' + el.className.trim().split(/\s+/).join('.');
    const text = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    return text ? s + ' "' + text + '"' : s;
  };
  if (document.documentElement.scrollWidth > vw + 1) {
    out.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' px wide in ' + vw);
  }
  // Visually hidden: invisible, or inside a clipped, out-of-flow box (a
  // table's head on a phone, kept for screen readers).
  const hidden = (el) => {
    for (let a = el; a && a !== document.body; a = a.parentElement) {
      const st = getComputedStyle(a);
      if (st.visibility === 'hidden' || (st.position === 'absolute' && st.clipPath !== 'none')) return true;
    }
    return false;
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    if (hidden(el)) continue;
    if (r.right > vw + 1 || r.left < -1) {
      out.push(name(el) + ' overflows the viewport: ' + Math.round(r.left) + '..' + Math.round(r.right));
    }
  }
  const probe = document.createElement('span');
  probe.style.whiteSpace = 'nowrap';
  probe.style.position = 'absolute';
  probe.style.visibility = 'hidden';
  for (const cell of document.querySelectorAll('td, th')) {
    const r = cell.getBoundingClientRect();
    if (r.width === 0 || hidden(cell)) continue;
    const st = getComputedStyle(cell);
    const room = cell.clientWidth - parseFloat(st.paddingLeft) - parseFloat(st.paddingRight);
    const label = getComputedStyle(cell, '::before');
    if (label.position === 'absolute' && label.content !== 'none' && parseFloat(st.paddingLeft) < parseFloat(label.width)) {
      out.push(name(cell) + ': its heading (' + Math.round(parseFloat(label.width)) + ' px) is drawn over its value (padding ' + st.paddingLeft + ')');
    }
    const clone = cell.cloneNode(true);
    clone.querySelectorAll('code, input, select, textarea, button, iframe, details, form').forEach(e => e.remove());
    const words = (clone.innerText || clone.textContent || '').split(/\s+/).filter(w => w.length > 1 && !/[0-9A-Za-z_]{16,}/.test(w) && !w.includes('@'));
    cell.appendChild(probe);
    for (const w of words) {
      probe.textContent = w;
      const need = probe.getBoundingClientRect().width;
      if (need > room + 1) out.push(name(cell) + ': cell ' + Math.round(room) + ' px narrower than the word "' + w + '" (' + Math.round(need) + ' px)');
    }
    probe.remove();
  }
  for (const t of document.querySelectorAll('svg text')) {
    const h = t.getBoundingClientRect().height;
    if (h > 0 && h < 9) out.push(name(t) + ': chart text ' + h.toFixed(1) + ' px high');
  }
  return out;
})()`

// LayoutProblems returns what is broken in the layout of the page open in
// ctx (see layoutScript); empty when nothing is.
func LayoutProblems(ctx context.Context) ([]string, error) {
	return chromedp.Run(ctx, chromedp.Evaluate[[]string](layoutScript))
}

// SignInBrowser signs the browser in ctx in as u (created with
// SitePassword) through the login form.
func SignInBrowser(t testing.TB, ctx context.Context, site *Site, email string) {
	t.Helper()
	require.NoError(t, chromedp.Do(ctx,
		chromedp.Navigate(site.URL+"/login"),
		chromedp.WaitVisible(chromedp.CSS(`input[name="email"]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name="email"]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name="password"]`), SitePassword),
		chromedp.Submit(chromedp.CSS(`input[name="password"]`)),
		chromedp.WaitVisible(chromedp.CSS(`#logout`)),
	))
}

// CheckPages visits each page in ctx in both languages: at PhoneWidth it
// fails t for every layout problem (LayoutProblems); when screenshots are
// on (ScreenshotsEnv) it saves each page at 1280 and 390 px as
// {lang}-{width}-{name}.png in dir.
func CheckPages(t *testing.T, ctx context.Context, site *Site, dir string, pages []NamedPage) {
	t.Helper()
	widths := []int64{PhoneWidth}
	if Screenshots() {
		widths = append(widths, 1280)
	}
	for _, lang := range []string{"ko", "en"} {
		for _, width := range widths {
			require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(width, 844)))
			for _, p := range pages {
				require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(site.URL+WithLang(p.Path, lang)),
					chromedp.WaitReady(chromedp.CSS("main"))), p.Path)
				if width == PhoneWidth {
					bad, err := LayoutProblems(ctx)
					require.NoError(t, err)
					if len(bad) > 0 {
						t.Errorf("%s (%s) at %d px:\n  %s", p.Name, lang, width, strings.Join(bad, "\n  "))
					}
				}
				Screenshot(t, ctx, dir, fmt.Sprintf("%s-%d-%s", lang, width, p.Name))
			}
		}
	}
}
