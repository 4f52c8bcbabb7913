package web_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"roster/internal/apitest"
)

// chromiumPath finds the browser: ROSTER_CHROMIUM, then Debian's package.
func chromiumPath() string {
	if p := os.Getenv("ROSTER_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// newBrowser starts headless Chromium for one test. Without a browser the
// test is skipped locally and fails on CI, where scripts/chromium.sh
// installs one.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("Chromium is missing; CI installs it with scripts/chromium.sh")
		}
		t.Skip("Chromium not found; install it (apt-get install -y chromium) or set ROSTER_CHROMIUM")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-background-networking", true), chromedp.WindowSize(1360, 900))
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(alloc)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start Chromium: %v", err)
	}
	return ctx
}

// tab is one browser tab (or a separate profile) driven against a server.
type tab struct {
	t      *testing.T
	ctx    context.Context
	base   string
	picked map[string]time.Time // when each select was last typed into
}

// newTab opens a tab on env's server in the browser of ctx.
func newTab(t *testing.T, ctx context.Context, env *apitest.Env) *tab {
	return &tab{t: t, ctx: ctx, base: env.Server.URL, picked: map[string]time.Time{}}
}

// otherProfile opens a tab in a fresh browser context: its own cookies, as
// a second person on another computer.
func (b *tab) otherProfile() *tab {
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	b.t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		b.t.Fatalf("open a second browser context: %v", err)
	}
	return &tab{t: b.t, ctx: ctx, base: b.base, picked: map[string]time.Time{}}
}

// step bounds one action in time.
const step = 10 * time.Second

// do runs steps, failing the test on the first error.
func (b *tab) do(what string, steps ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, step)
	defer cancel()
	if err := chromedp.Do(ctx, steps...); err != nil {
		b.t.Fatalf("%s: %v", what, err)
	}
}

// visit opens a path of the server.
func (b *tab) visit(path string) {
	b.t.Helper()
	b.do("visit "+path, chromedp.Navigate(b.base+path))
}

// text returns the visible text of the first element matching sel.
func (b *tab) text(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, step)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible))
	if err != nil {
		b.t.Fatalf("read text of %s: %v", sel, err)
	}
	return s
}

// value returns the value of the input matching sel.
func (b *tab) value(sel string) string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, step)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Value(chromedp.CSS(sel)))
	if err != nil {
		b.t.Fatalf("read value of %s: %v", sel, err)
	}
	return s
}

// js quotes a string for a JavaScript expression.
func js(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// waitJS waits until a JavaScript expression is true, riding over page
// loads (an evaluation during a navigation fails and is tried again).
func (b *tab) waitJS(expr string) error {
	deadline := time.Now().Add(step)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, time.Second)
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](expr))
		cancel()
		if err == nil && ok {
			return nil
		}
		if time.Now().After(deadline) {
			if err == nil {
				err = fmt.Errorf("still false after %s", step)
			}
			return err
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// waitJSOrFail waits until a JavaScript expression is true.
func (b *tab) waitJSOrFail(expr string) {
	b.t.Helper()
	if err := b.waitJS(expr); err != nil {
		b.t.Fatalf("waiting for %s: %v", expr, err)
	}
}

// waitText waits until the element matching sel shows want.
func (b *tab) waitText(sel, want string) {
	b.t.Helper()
	expr := fmt.Sprintf(`(() => { const e = document.querySelector(%s); return !!e && (e.innerText ?? e.textContent).includes(%s); })()`, js(sel), js(want))
	if err := b.waitJS(expr); err != nil {
		got, _ := chromedp.Run(b.ctx, chromedp.Evaluate[string](fmt.Sprintf(`(document.querySelector(%s) || {innerText: "(no such element)"}).innerText`, js(sel))))
		b.t.Fatalf("waiting for %q in %s: %v; it shows %q", want, sel, err, got)
	}
}

// waitGone waits until nothing matches sel.
func (b *tab) waitGone(sel string) {
	b.t.Helper()
	if err := b.waitJS(fmt.Sprintf(`document.querySelector(%s) === null`, js(sel))); err != nil {
		b.t.Fatalf("waiting for %s to go: %v", sel, err)
	}
}

// location is the tab's current path.
func (b *tab) location() string {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, step)
	defer cancel()
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		b.t.Fatalf("read location: %v", err)
	}
	return strings.TrimPrefix(loc, b.base)
}

// waitPath waits until the tab has navigated to path and loaded it.
func (b *tab) waitPath(path string) {
	b.t.Helper()
	expr := fmt.Sprintf(`location.pathname === %s && document.readyState === "complete"`, js(path))
	if err := b.waitJS(expr); err != nil {
		b.t.Fatalf("waiting to land on %s: %v; at %s", path, err, b.location())
	}
}

// fill empties an input, as select-all and delete would, then types v.
func (b *tab) fill(sel, v string) {
	b.t.Helper()
	b.settled()
	clear := fmt.Sprintf(`(() => { const e = document.querySelector(%s); if (e.value !== "") { e.value = ""; e.dispatchEvent(new Event("input", {bubbles: true})); } })()`, js(sel))
	steps := []chromedp.Action[chromedp.Void]{chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Evaluate[chromedp.Void](clear)}
	if v != "" {
		steps = append(steps, chromedp.SendKeys(chromedp.CSS(sel), v))
	}
	b.do("fill "+sel, steps...)
}

// settled waits until htmx has finished every request and swap, so the
// next action meets the page a person would see.
func (b *tab) settled() {
	b.t.Helper()
	busy := `document.readyState === "complete" && document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added") === null`
	if err := b.waitJS(busy); err != nil {
		b.t.Fatalf("waiting for the page to settle: %v", err)
	}
}

// click clicks a visible element.
func (b *tab) click(sel string) {
	b.t.Helper()
	b.settled()
	b.do("click "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel)))
}

// pick chooses an option of a select by its visible label, as a person
// does with the keyboard: focus the select and type the label's first
// word (a space would open the list instead).
func (b *tab) pick(sel, label string) {
	b.t.Helper()
	typed := strings.Fields(label)[0]
	b.settled()
	// A select joins keys typed within a second into one search.
	time.Sleep(time.Until(b.picked[sel].Add(1100 * time.Millisecond)))
	defer func() { b.picked[sel] = time.Now() }()
	b.do("pick "+label+" in "+sel, chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Focus(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), typed))
}

// confirm accepts the confirmation dialog.
func (b *tab) confirm(wantText string) {
	b.t.Helper()
	b.waitText("#confirm-dialog", wantText)
	b.click("#confirm-ok")
	b.do("wait for the dialog to close", chromedp.WaitNotVisible(chromedp.CSS("#confirm-dialog")))
}

// signIn signs in through the sign-in page.
func (b *tab) signIn(login, password string) {
	b.t.Helper()
	b.visit("/sign-in")
	b.fill("#login", login)
	b.fill("#password", password)
	b.click("#signin-form button[type=submit]")
	b.waitPath("/")
}

// screenshot writes the tab's viewport as name.png into the folder
// ROSTER_SCREENSHOTS names (relative to the repository root;
// scripts/screenshots.sh sets it to screenshots), or into a temporary
// folder so that a test run leaves the working tree alone.
func (b *tab) screenshot(name string) {
	b.t.Helper()
	dir := os.Getenv("ROSTER_SCREENSHOTS")
	switch {
	case dir == "":
		dir = b.t.TempDir()
	case !filepath.IsAbs(dir):
		dir = filepath.Join(repoRoot(b.t), dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.t.Fatalf("screenshots folder: %v", err)
	}
	ctx, cancel := context.WithTimeout(b.ctx, step)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		b.t.Fatalf("write screenshot: %v", err)
	}
}

// repoRoot is the folder holding go.mod.
func repoRoot(t *testing.T) string {
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}

// chromedpNavigate opens an absolute URL, such as another site's page.
func chromedpNavigate(u string) chromedp.Action[chromedp.Void] { return chromedp.Navigate(u) }

// visionTeam gives env its first admin, ada, and a member, bob, of the
// team vision, made through the API.
func visionTeam(t *testing.T, env *apitest.Env) (ada, bob apitest.User) {
	t.Helper()
	ada = env.MustSignup("ada")
	bob = env.MustUser(ada.Key, "bob", "member")
	env.Must(201, "POST", "/api/v1/teams", map[string]any{"name": "vision", "storage": map[string]string{"type": "default"}}, ada.Key)
	env.Must(201, "POST", "/api/v1/teams/vision/members", map[string]string{"username": "bob"}, ada.Key)
	return ada, bob
}
