package portal

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"

	"github.com/otsight/otsight/internal/auth"
	"github.com/otsight/otsight/internal/portal/assets"
)

//go:embed templates
var templateFS embed.FS

// pageSet holds every page parsed once per language, each with the shell it
// is drawn in: templates/app/* in app.html (signed-in pages with navigation),
// templates/bare/* in bare.html (login, errors).
type pageSet struct {
	cats  map[string]catalogue
	pages map[string]map[string]*template.Template // page → lang → template
}

func loadPages() (*pageSet, error) {
	cats, err := loadCatalogues()
	if err != nil {
		return nil, err
	}
	ps := &pageSet{cats: cats, pages: map[string]map[string]*template.Template{}}
	for _, shell := range []string{"app", "bare"} {
		files, err := fs.Glob(templateFS, "templates/"+shell+"/*.html")
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			name := strings.TrimSuffix(path.Base(f), ".html")
			ps.pages[name] = map[string]*template.Template{}
			for _, l := range languages {
				t, err := template.New(shell+".html").Funcs(funcs(cats[l])).
					ParseFS(templateFS, "templates/"+shell+".html", f)
				if err != nil {
					return nil, fmt.Errorf("portal: template %s: %w", f, err)
				}
				ps.pages[name][l] = t
			}
		}
	}
	return ps, nil
}

// funcs are the template functions of one language.
func funcs(c catalogue) template.FuncMap {
	return template.FuncMap{
		"t":     c.text,
		"role":  c.roleLabel,
		"ip":    ipText,
		"num":   formatInt,
		"bytes": formatBytes,
	}
}

// pageData is what every page template receives.
type pageData struct {
	Lang      string
	Version   string // asset cache-busting hash
	Nav       string // current navigation item
	User      auth.Principal
	Tenant    string
	LangLinks []langLink
	Data      any
}

type langLink struct {
	Lang    string
	URL     string
	Current bool
}

// langLinks are the language switch's links: the current URL with ?lang=.
func langLinks(r *http.Request, current string) []langLink {
	out := make([]langLink, 0, len(languages))
	for _, l := range languages {
		q := r.URL.Query()
		q.Set("lang", l)
		u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
		out = append(out, langLink{Lang: l, URL: u.String(), Current: l == current})
	}
	return out
}

// render draws a page; the body is built in memory first so a template
// error becomes a 500, not half a page.
func (p *Portal) render(w http.ResponseWriter, r *http.Request, status int, page, nav string, data any) {
	rq := requestOf(r)
	t, ok := p.pages.pages[page][rq.lang]
	if !ok {
		p.internalError(w, r, fmt.Errorf("no page %q", page))
		return
	}
	pd := pageData{
		Lang: rq.lang, Version: assets.Version, Nav: nav, User: rq.user,
		Tenant: rq.tenant.Name, LangLinks: langLinks(r, rq.lang), Data: data,
	}
	var buf bytes.Buffer
	if err := t.Execute(&buf, pd); err != nil {
		p.internalError(w, r, fmt.Errorf("render %s: %w", page, err))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorPage draws the page of an HTTP error status.
func (p *Portal) errorPage(w http.ResponseWriter, r *http.Request, status int) {
	p.render(w, r, status, "error", "", struct{ Status int }{status})
}

func (p *Portal) internalError(w http.ResponseWriter, r *http.Request, err error) {
	p.cfg.Logger.Error("portal: request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusInternalServerError)
	fmt.Fprintln(w, "500 internal server error")
}

func (p *Portal) internalAPIError(w http.ResponseWriter, r *http.Request, err error) {
	p.cfg.Logger.Error("portal: API request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	writeJSONError(w, http.StatusInternalServerError, "internal error")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeJSONError(w, http.StatusInternalServerError, "internal error")
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte("\n"))
}

// apiError is the body of every API error.
type apiError struct {
	Error string `json:"error"`
}

func writeJSONError(w http.ResponseWriter, status int, msg string) {
	b, _ := json.Marshal(apiError{msg})
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
	w.Write([]byte("\n"))
}

// formatInt writes an integer with thousands separators (both languages
// use commas).
func formatInt(v any) string {
	var s string
	switch n := v.(type) {
	case int:
		s = strconv.FormatInt(int64(n), 10)
	case int64:
		s = strconv.FormatInt(n, 10)
	case uint64:
		s = strconv.FormatUint(n, 10)
	default:
		return fmt.Sprint(v)
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// formatBytes writes a byte count in binary units with one decimal, as the
// charts do (web/src/format.js).
func formatBytes(n uint64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB", "PiB"}
	if n < 1024 {
		return strconv.FormatUint(n, 10) + " B"
	}
	v := float64(n)
	i := 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	return strconv.FormatFloat(v, 'f', 1, 64) + " " + units[i]
}
