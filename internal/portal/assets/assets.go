// Package assets holds the portal's bundled front end (dist/app.js and
// dist/app.css, built from web/src by ./build) embedded in the binary, so the
// portal loads nothing from the Internet.
package assets

//go:generate go run ./build

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
)

//go:embed dist/app.js dist/app.css dist/favicon.svg
var dist embed.FS

// FS is the bundle: app.js, app.css and favicon.svg at its root.
var FS fs.FS = mustSub(dist, "dist")

// Version is a short content hash of the bundle, used as a cache-busting
// query (/assets/app.js?v=Version) so browsers may cache the files forever.
var Version = hashOf(FS, "app.js", "app.css", "favicon.svg")

func mustSub(f fs.FS, dir string) fs.FS {
	s, err := fs.Sub(f, dir)
	if err != nil {
		panic(err) // dist is a literal directory of the embed above
	}
	return s
}

func hashOf(f fs.FS, names ...string) string {
	h := sha256.New()
	for _, n := range names {
		b, err := fs.ReadFile(f, n)
		if err != nil {
			panic(err) // embedded by the directive above
		}
		h.Write(b)
	}
	return hex.EncodeToString(h.Sum(nil))[:16]
}
