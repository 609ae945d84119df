package notify

import (
	"bytes"
	"embed"
	htmltemplate "html/template"
	texttemplate "text/template"
	"time"

	"github.com/paydeck/paydeck"
)

//go:embed templates
var templateFS embed.FS

var (
	langs = map[string]*texttemplate.Template{
		"ko": texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/ko.tmpl")),
		"en": texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/en.tmpl")),
	}
	textLayout = texttemplate.Must(texttemplate.ParseFS(templateFS, "templates/mail.txt"))
	htmlLayout = htmltemplate.Must(htmltemplate.ParseFS(templateFS, "templates/mail.html"))
)

// kst is Korea's time zone, in which dates in mail are written.
var kst = time.FixedZone("KST", 9*60*60)

// field is one labelled line of a message.
type field struct{ Label, Value string }

// data is what the templates see.
type data struct {
	Lang, Shop, Name, Amount string
	Order                    *paydeck.Order
	Product                  *paydeck.Product
	LowStock                 int64
	// Filled by render.
	Subject, Intro, Footer string
	Fields                 []field
	Items                  []string
}

// won writes an amount in lang's way.
func won(lang string, amount int64) string {
	out := paydeck.GroupThousands(amount)
	if lang == "ko" {
		return out + "원"
	}
	return "₩" + out
}

// render executes kind's subject and intro in d.Lang and the two layouts.
// labels are label keys with their values, in order.
func render(kind string, d *data, labels [][2]string) (*paydeck.OutboxMessage, error) {
	t, ok := langs[d.Lang]
	if !ok {
		t, d.Lang = langs["ko"], "ko"
	}
	exec := func(name string) (string, error) {
		var b bytes.Buffer
		err := t.ExecuteTemplate(&b, name, d)
		return b.String(), err
	}
	var err error
	if d.Subject, err = exec(kind + ".subject"); err != nil {
		return nil, err
	}
	if d.Intro, err = exec(kind + ".intro"); err != nil {
		return nil, err
	}
	if d.Footer, err = exec("footer"); err != nil {
		return nil, err
	}
	for _, l := range labels {
		label, err := exec("label." + l[0])
		if err != nil {
			return nil, err
		}
		d.Fields = append(d.Fields, field{label, l[1]})
	}
	var text, html bytes.Buffer
	if err := textLayout.Execute(&text, d); err != nil {
		return nil, err
	}
	if err := htmlLayout.Execute(&html, d); err != nil {
		return nil, err
	}
	return &paydeck.OutboxMessage{Kind: kind, Subject: d.Subject, Text: text.String(), HTML: html.String()}, nil
}
