// Package pcaptest finds the shared real-world captures that tests are
// verified against. The captures live beside the repository, in
// ../shared/pcaps (CI places a copy of shared/ next to its clone).
package pcaptest

import (
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// EnvDir overrides where the captures are looked for.
const EnvDir = "OTSIGHT_PCAPS"

// Dir returns the directory holding the shared captures, failing the test
// with a clear message when it cannot be found.
func Dir(tb testing.TB) string {
	tb.Helper()
	d, err := find()
	if err != nil {
		tb.Fatalf("shared captures not found: %v (expected ../shared/pcaps beside the repository, or set %s)", err, EnvDir)
	}
	return d
}

func find() (string, error) {
	if d := os.Getenv(EnvDir); d != "" {
		if _, err := os.Stat(filepath.Join(d, "MANIFEST.md")); err != nil {
			return "", err
		}
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			cand := filepath.Join(filepath.Dir(dir), "shared", "pcaps")
			if _, err := os.Stat(filepath.Join(cand, "MANIFEST.md")); err != nil {
				return "", err
			}
			return cand, nil
		}
		if filepath.Dir(dir) == dir {
			return "", os.ErrNotExist
		}
	}
}

// Files lists every capture file under Dir (everything but MANIFEST.md),
// sorted by path.
func Files(tb testing.TB) []string {
	tb.Helper()
	root := Dir(tb)
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasSuffix(p, ".md") {
			return nil
		}
		out = append(out, p)
		return nil
	})
	if err != nil {
		tb.Fatalf("list captures: %v", err)
	}
	sort.Strings(out)
	return out
}

// Path returns the absolute path of a capture given relative to Dir, e.g.
// "modbus/modbus.pcap", failing the test if it does not exist.
func Path(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(Dir(tb), rel)
	if _, err := os.Stat(p); err != nil {
		tb.Fatalf("capture %s: %v", rel, err)
	}
	return p
}
