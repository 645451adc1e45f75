package app

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The form draws 200 rows a page and says which other pages have errors.
func TestFormPages(t *testing.T) {
	d := &Doc{}
	d.SetSource(strings.Replace(bigPlan(450), "{name: lan420, size: 64,", "{name: lan420, size: 65,", 1))
	if len(d.Errors) != 1 {
		t.Fatalf("errors: %v", d.Errors)
	}
	look := func(page int) string {
		t.Helper()
		c := &Editor{Doc: d, Rev: d.Rev, formPage: page}
		load(t, c)
		return app.HTMLString(c)
	}
	html := look(0)
	for _, want := range []string{`data-field="s0.name"`, `data-field="s199.name"`, "rows 1–200 of 450", `id="form-err-pages"`, `data-page="3"`} {
		if !strings.Contains(html, want) {
			t.Errorf("page 1 lacks %s", want)
		}
	}
	if strings.Contains(html, `data-field="s200.name"`) {
		t.Error("page 1 draws row 201")
	}
	html = look(2)
	if !strings.Contains(html, `data-field="s449.name"`) || !strings.Contains(html, "rows 401–450 of 450") || strings.Contains(html, `id="form-err-pages"`) {
		t.Error("page 3 is not the last 50 rows with its own error")
	}
	if !strings.Contains(html, "size /65 is longer than /64") {
		t.Error("page 3 does not show lan420's error at its field")
	}
	if html := look(-1); !strings.Contains(html, "rows 401–450 of 450") {
		t.Error("page -1 is not the last page")
	}
	small := NewDoc()
	c := &Editor{Doc: small, Rev: small.Rev}
	load(t, c)
	if strings.Contains(app.HTMLString(c), "form-pager") {
		t.Error("a form of one page has a pager")
	}
}
