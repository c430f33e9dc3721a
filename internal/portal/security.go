package portal

import (
	"bytes"
	"compress/gzip"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/otsight/otsight/internal/portal/assets"
)

// contentSecurityPolicy allows nothing inline and nothing from elsewhere:
// every script and style is a file under /assets/. Charts draw on canvas
// and set element styles through the CSSOM, which style-src does not govern.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; " +
	"img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

// securityHeaders sets the headers every response carries.
func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// assetHandler serves the embedded bundle. A request naming the current
// version (?v=assets.Version) may be cached for good; others revalidate.
// Text files go out gzipped to clients that accept it (compressed once, at
// start: app.js shrinks to about a third).
func assetHandler() http.Handler {
	files := http.FileServerFS(assets.FS)
	gz := gzipAssets(assets.FS, "app.js", "app.css", "favicon.svg")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" || strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		h := w.Header()
		if r.URL.Query().Get("v") == assets.Version {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		body, ok := gz[r.URL.Path]
		if !ok {
			files.ServeHTTP(w, r)
			return
		}
		h.Add("Vary", "Accept-Encoding")
		if !acceptsGzip(r.Header.Get("Accept-Encoding")) {
			files.ServeHTTP(w, r)
			return
		}
		h.Set("Content-Type", mime.TypeByExtension(path.Ext(r.URL.Path)))
		h.Set("Content-Encoding", "gzip")
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.Write(body)
	})
}

// gzipAssets compresses the named files of fsys.
func gzipAssets(fsys fs.FS, names ...string) map[string][]byte {
	out := make(map[string][]byte, len(names))
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			panic(err) // embedded by package assets
		}
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		zw.Write(b)
		zw.Close()
		out[n] = buf.Bytes()
	}
	return out
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip
// (present without q=0).
func acceptsGzip(h string) bool {
	for _, part := range strings.Split(h, ",") {
		coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(coding), "gzip") {
			continue
		}
		q := strings.ReplaceAll(params, " ", "")
		return q != "q=0" && q != "q=0.0" && q != "q=0.00" && q != "q=0.000"
	}
	return false
}

// noStore marks a response with tenant data as not to be cached anywhere.
func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store")
}
