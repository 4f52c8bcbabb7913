package web

// RouteTable lists every route as method and path pattern, for the tests
// that walk all of them.
func RouteTable() [][2]string {
	var out [][2]string
	for _, r := range (&Web{}).table() {
		out = append(out, [2]string{r.method, r.path})
	}
	return out
}
