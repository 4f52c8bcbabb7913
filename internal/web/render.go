package web

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

//go:embed templates
var templateFiles embed.FS

//go:embed static
var staticFiles embed.FS

// views holds one template set per page: the layout, the shared partials
// and the page's own file, which defines "title", "body" and its fragments.
type views struct {
	pages map[string]*template.Template
}

// parseViews parses every page and checks that it defines what the layout
// needs, so a broken template stops the server at start-up.
func parseViews() (*views, error) {
	files, err := fs.Glob(templateFiles, "templates/pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("list templates: %w", err)
	}
	v := &views{pages: make(map[string]*template.Template, len(files))}
	for _, f := range files {
		name := strings.TrimSuffix(path.Base(f), ".html")
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFiles, "templates/layout.html", "templates/partials/*.html", f)
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		for _, need := range []string{"layout", "title", "body"} {
			if t.Lookup(need) == nil {
				return nil, fmt.Errorf("template %s defines no %q", name, need)
			}
		}
		v.pages[name] = t
	}
	return v, nil
}

// page renders a whole page through the layout.
func (web *Web) page(w http.ResponseWriter, status int, name string, data any) error {
	return web.execute(w, status, name, "layout", data)
}

// fragment renders one named block of a page, for htmx.
func (web *Web) fragment(w http.ResponseWriter, status int, name, block string, data any) error {
	return web.execute(w, status, name, block, data)
}

// show renders the whole page, or only block for htmx requests.
func (web *Web) show(w http.ResponseWriter, r *http.Request, status int, name, block string, data any) error {
	if isHTMX(r) {
		return web.fragment(w, status, name, block, data)
	}
	return web.page(w, status, name, data)
}

// execute renders into a buffer first, so a template failure never sends
// half a page.
func (web *Web) execute(w http.ResponseWriter, status int, name, block string, data any) error {
	t, ok := web.views.pages[name]
	if !ok {
		return fmt.Errorf("no page template %q", name)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, block, data); err != nil {
		return fmt.Errorf("render %s/%s: %w", name, block, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// staticHandler serves the embedded stylesheet, scripts and htmx; text
// assets go gzip-compressed to clients that accept it. HTML pages are never
// compressed: they carry CSRF tokens and secrets shown once (BREACH).
func staticHandler() http.Handler {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err)
	}
	gz, err := gzipAssets(sub)
	if err != nil {
		panic(err)
	}
	files := http.StripPrefix("/static/", http.FileServerFS(sub))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimPrefix(r.URL.Path, "/static/")
		// Names that are no valid path (bad UTF-8, "..") are simply not found.
		if !utf8.ValidString(name) || !fs.ValidPath(name) ||
			strings.HasSuffix(r.URL.Path, "/") || strings.HasSuffix(r.URL.Path, ".md") || strings.HasSuffix(r.URL.Path, ".LICENSE") {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=300")
		w.Header().Set("Content-Security-Policy", contentSecurityPolicy)
		body, ok := gz[name]
		if !ok {
			files.ServeHTTP(w, r)
			return
		}
		w.Header().Add("Vary", "Accept-Encoding")
		if !acceptsGzip(r.Header.Get("Accept-Encoding")) || r.Header.Get("Range") != "" {
			files.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Encoding", "gzip")
		http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(body))
	})
}

// compressedExt are the static files worth compressing: text.
var compressedExt = []string{".css", ".js", ".svg"}

// gzipAssets compresses the text assets once, at start-up.
func gzipAssets(files fs.FS) (map[string][]byte, error) {
	out := make(map[string][]byte)
	err := fs.WalkDir(files, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !slices.Contains(compressedExt, path.Ext(name)) {
			return err
		}
		raw, err := fs.ReadFile(files, name)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if err != nil {
			return err
		}
		if _, err := zw.Write(raw); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		out[name] = buf.Bytes()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("compress static files: %w", err)
	}
	return out, nil
}

// acceptsGzip reports whether an Accept-Encoding header accepts gzip with
// a weight above zero, named or through "*" (a named gzip wins).
func acceptsGzip(header string) bool {
	star := false
	for _, part := range strings.Split(header, ",") {
		coding, params, _ := strings.Cut(part, ";")
		coding = strings.ToLower(strings.TrimSpace(coding))
		if coding != "gzip" && coding != "*" {
			continue
		}
		ok := true
		if v, found := strings.CutPrefix(strings.ReplaceAll(params, " ", ""), "q="); found {
			w, err := strconv.ParseFloat(v, 64)
			ok = err == nil && w > 0
		}
		if coding == "gzip" {
			return ok
		}
		star = ok
	}
	return star
}
