package portal

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strings"
)

// Languages of the portal, the default first: the plant engineers it is made
// for read Japanese.
var languages = []string{"ja", "en"}

const defaultLang = "ja"

// langCookie remembers a language chosen with ?lang=.
const langCookie = "otsight_lang"

//go:embed i18n/*.json
var catalogueFS embed.FS

// catalogue maps message keys to the text of one language.
type catalogue map[string]string

// loadCatalogues reads i18n/<lang>.json for every language.
func loadCatalogues() (map[string]catalogue, error) {
	out := make(map[string]catalogue, len(languages))
	for _, l := range languages {
		b, err := catalogueFS.ReadFile("i18n/" + l + ".json")
		if err != nil {
			return nil, fmt.Errorf("portal: catalogue %s: %w", l, err)
		}
		var c catalogue
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("portal: catalogue %s: %w", l, err)
		}
		out[l] = c
	}
	return out, nil
}

// text returns the message for key; a missing key shows as itself in
// brackets (the catalogue tests make that unreachable).
func (c catalogue) text(key string) string {
	if s, ok := c[key]; ok {
		return s
	}
	return "[" + key + "]"
}

// keys returns the catalogue's keys, sorted.
func (c catalogue) keys() []string {
	ks := make([]string, 0, len(c))
	for k := range c {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func supported(l string) bool {
	for _, s := range languages {
		if s == l {
			return true
		}
	}
	return false
}

// chooseLang picks the language of a request: ?lang= (remembered in a
// cookie), then the cookie, then Accept-Language, then Japanese.
func chooseLang(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); supported(l) {
		http.SetCookie(w, &http.Cookie{
			Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteLaxMode,
		})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && supported(c.Value) {
		return c.Value
	}
	if l := fromAcceptLanguage(r.Header.Get("Accept-Language")); l != "" {
		return l
	}
	return defaultLang
}

// fromAcceptLanguage returns the supported language with the highest
// weight in an Accept-Language header, "" when none is acceptable.
func fromAcceptLanguage(h string) string {
	best, bestQ := "", 0.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if _, err := fmt.Sscanf(v, "%g", &q); err != nil {
				continue
			}
		}
		primary, _, _ := strings.Cut(strings.ToLower(strings.TrimSpace(tag)), "-")
		if supported(primary) && q > bestQ {
			best, bestQ = primary, q
		}
	}
	return best
}
