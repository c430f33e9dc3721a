// Command build bundles the portal's front end (web/src) with esbuild's Go
// API into internal/portal/assets/dist/app.js and app.css, minified, and copies
// the favicon beside them. It reads
// the pinned packages from web/node_modules (installed by `npm ci` from
// web/package-lock.json) and never touches the network.
//
// It runs from `go generate ./internal/portal/assets` and from `make web`.
// Output names are fixed; the portal adds a content hash as a cache-busting
// query (assets.Version), so rebuilding never leaves stale files behind.
package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/evanw/esbuild/pkg/api"
)

func main() {
	root := flag.String("root", "", "repository root (default: the nearest directory above with go.mod)")
	flag.Parse()
	if err := run(*root); err != nil {
		fmt.Fprintln(os.Stderr, "assets/build:", err)
		os.Exit(1)
	}
}

func run(root string) error {
	if root == "" {
		r, err := findRoot()
		if err != nil {
			return err
		}
		root = r
	}
	web := filepath.Join(root, "web")
	if _, err := os.Stat(filepath.Join(web, "node_modules", "echarts", "package.json")); err != nil {
		return fmt.Errorf("web/node_modules is missing echarts: run `npm ci --prefix web` first: %w", err)
	}
	out := filepath.Join(root, "internal", "portal", "assets", "dist")
	res := api.Build(api.BuildOptions{
		AbsWorkingDir: web,
		EntryPoints:   []string{"src/app.js", "src/app.css", "src/favicon.svg"},
		Loader:        map[string]api.Loader{".svg": api.LoaderCopy},
		Outdir:        out,
		EntryNames:    "[name]",
		Bundle:        true,
		Write:         true,
		// No network and no Node: browser bundle for current Chrome (SPEC 3.4.4).
		Platform:          api.PlatformBrowser,
		Format:            api.FormatIIFE,
		Target:            api.ES2020,
		MinifyWhitespace:  true,
		MinifyIdentifiers: true,
		MinifySyntax:      true,
		// Licence texts of the bundled packages stay with the bundle.
		LegalComments: api.LegalCommentsEndOfFile,
		Charset:       api.CharsetUTF8,
		Define:        map[string]string{"process.env.NODE_ENV": `"production"`},
		LogLevel:      api.LogLevelWarning,
	})
	if len(res.Errors) > 0 {
		return fmt.Errorf("esbuild: %d errors, first: %s", len(res.Errors), res.Errors[0].Text)
	}
	for _, f := range res.OutputFiles {
		rel, _ := filepath.Rel(root, f.Path)
		fmt.Printf("assets/build: wrote %s (%d bytes)\n", rel, len(f.Contents))
	}
	return nil
}

// findRoot walks up from the working directory to the module root.
func findRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}
