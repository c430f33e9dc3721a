package portal

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
)

var (
	templateKey = regexp.MustCompile(`\bt "([^"]*)"`)
	goKey       = regexp.MustCompile(`\.text\("([^"]*)"\)`)
)

// usedKeys returns every message key the templates and the Go code use,
// with where each is used.
func usedKeys(t *testing.T) map[string]string {
	t.Helper()
	used := map[string]string{}
	err := fs.WalkDir(templateFS, "templates", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(templateFS, path)
		if err != nil {
			return err
		}
		// Every call of t must take a literal key, so this scan sees them all.
		if n := strings.Count(string(b), "{{t ") + strings.Count(string(b), "(t "); n != len(templateKey.FindAll(b, -1)) {
			t.Errorf("%s: %d calls of t, %d with a literal key", path, n, len(templateKey.FindAll(b, -1)))
		}
		for _, m := range templateKey.FindAllSubmatch(b, -1) {
			used[string(m[1])] = path
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	gos, _ := filepath.Glob("*.go")
	for _, f := range gos {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range goKey.FindAllSubmatch(b, -1) {
			used[string(m[1])] = f
		}
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys in use: the scan is broken", len(used))
	}
	return used
}

// TestCatalogues: ja and en have the same keys, no empty text, every key
// used somewhere and every used key present.
func TestCatalogues(t *testing.T) {
	cats, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	used := usedKeys(t)
	for _, l := range languages {
		c := cats[l]
		for k, where := range used {
			if _, ok := c[k]; !ok {
				t.Errorf("%s.json: missing key %q (used in %s)", l, k, where)
			}
		}
		for _, k := range c.keys() {
			if strings.TrimSpace(c[k]) == "" {
				t.Errorf("%s.json: %q is empty", l, k)
			}
			if _, ok := used[k]; !ok {
				t.Errorf("%s.json: key %q is used nowhere", l, k)
			}
		}
	}
	ja, en := cats["ja"].keys(), cats["en"].keys()
	if strings.Join(ja, "\n") != strings.Join(en, "\n") {
		t.Errorf("ja has %d keys, en %d: they differ", len(ja), len(en))
	}
	// Japanese text is Japanese: the few keys allowed to read the same in
	// both languages are listed.
	same := []string{}
	for _, k := range ja {
		if cats["ja"][k] == cats["en"][k] {
			same = append(same, k)
		}
	}
	sort.Strings(same)
	if got := strings.Join(same, ","); got != "devices.col.os,devrole.hmi_scada,lang.en,lang.ja" {
		t.Errorf("keys with the same text in ja and en: %s", got)
	}
}

func TestAcceptLanguage(t *testing.T) {
	for h, want := range map[string]string{
		"":                            "",
		"ja":                          "ja",
		"ja-JP,ja;q=0.9,en-US;q=0.8":  "ja",
		"en-US,en;q=0.9":              "en",
		"en-GB;q=0.4, ja-JP;q=0.7":    "ja",
		"de, fr;q=0.8":                "",
		"en;q=0, ja;q=0.1":            "ja",
		"EN":                          "en",
		"ja;q=bogus, en;q=0.2":        "en",
		"zh-Hant-TW, en-US;q=0.5, *;": "en",
	} {
		if got := fromAcceptLanguage(h); got != want {
			t.Errorf("Accept-Language %q: %q, want %q", h, got, want)
		}
	}
}
