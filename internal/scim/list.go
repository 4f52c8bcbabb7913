package scim

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// listParams are a list's or search's filter, paging and projection.
type listParams struct {
	filter *node
	start  int // 1-based
	count  int
	proj   projection
}

// listResponse is the ListResponse message (RFC 7644 section 3.4.2).
type listResponse struct {
	Schemas      []string   `json:"schemas"`
	TotalResults int        `json:"totalResults"`
	StartIndex   int        `json:"startIndex"`
	ItemsPerPage int        `json:"itemsPerPage"`
	Resources    []resource `json:"Resources"`
}

func newList(p listParams, total int, resources []resource) listResponse {
	if resources == nil {
		resources = []resource{}
	}
	return listResponse{Schemas: []string{URNListResp}, TotalResults: total, StartIndex: p.start,
		ItemsPerPage: len(resources), Resources: resources}
}

// parseListQuery reads filter, startIndex, count, attributes and
// excludedAttributes from a query string. sortBy is ignored: sorting is
// not offered (ServiceProviderConfig says so) and the order is stable.
func parseListQuery(k *kind, q url.Values) (listParams, error) {
	p := listParams{start: 1, count: defaultCount}
	var err error
	if f := q.Get("filter"); f != "" {
		if p.filter, err = parseFilter(k, f); err != nil {
			return p, err
		}
	}
	if v := q.Get("startIndex"); v != "" {
		if p.start, err = strconv.Atoi(v); err != nil {
			return p, bad(invalidValue, "startIndex must be a whole number")
		}
	}
	if v := q.Get("count"); v != "" {
		if p.count, err = strconv.Atoi(v); err != nil {
			return p, bad(invalidValue, "count must be a whole number")
		}
	}
	p.clamp()
	p.proj, err = projectionFromQuery(k, q)
	return p, err
}

// clamp applies RFC 7644 3.4.2.4: startIndex below 1 means 1, a negative
// count means 0, and counts above the maximum are cut to it.
func (p *listParams) clamp() {
	p.start = max(p.start, 1)
	p.count = min(max(p.count, 0), maxCount)
}

// searchRequest is the SearchRequest message (RFC 7644 section 3.4.3).
type searchRequest struct {
	Attributes         []string `json:"attributes"`
	ExcludedAttributes []string `json:"excludedAttributes"`
	Filter             string   `json:"filter"`
	StartIndex         *int     `json:"startIndex"`
	Count              *int     `json:"count"`
}

// parseSearchBody reads a POST .search body.
func parseSearchBody(k *kind, body map[string]any) (listParams, error) {
	p := listParams{start: 1, count: defaultCount}
	norm := map[string]any{}
	for key, v := range body {
		norm[strings.ToLower(key)] = v
	}
	fix := map[string]string{"attributes": "attributes", "excludedattributes": "excludedAttributes",
		"filter": "filter", "startindex": "startIndex", "count": "count"}
	canon := map[string]any{}
	for key, v := range norm {
		if c, ok := fix[key]; ok {
			canon[c] = v
		}
	}
	data, _ := json.Marshal(canon)
	var req searchRequest
	if err := json.Unmarshal(data, &req); err != nil {
		return p, bad(invalidSyntax, "a SearchRequest needs filter as a string, attributes as arrays and startIndex and count as whole numbers")
	}
	var err error
	if req.Filter != "" {
		if p.filter, err = parseFilter(k, req.Filter); err != nil {
			return p, err
		}
	}
	if req.StartIndex != nil {
		p.start = *req.StartIndex
	}
	if req.Count != nil {
		p.count = *req.Count
	}
	p.clamp()
	p.proj, err = newProjection(k, req.Attributes, req.ExcludedAttributes)
	return p, err
}

// projectionFromQuery reads attributes and excludedAttributes.
func projectionFromQuery(k *kind, q url.Values) (projection, error) {
	split := func(v string) []string {
		if v == "" {
			return nil
		}
		return splitAttrList(v)
	}
	return newProjection(k, split(q.Get("attributes")), split(q.Get("excludedAttributes")))
}

// listWriter answers a list request once its parameters are read.
type listWriter func(w http.ResponseWriter, r *http.Request, c *call, p listParams) error

// listByQuery serves GET /{Resource}: list parameters from the query string.
func listByQuery(k *kind, write listWriter) handler {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		p, err := parseListQuery(k, r.URL.Query())
		if err != nil {
			return err
		}
		return write(w, r, c, p)
	}
}

// listBySearch serves POST /{Resource}/.search: parameters from the body.
func listBySearch(k *kind, write listWriter) handler {
	return func(w http.ResponseWriter, r *http.Request, c *call) error {
		body, err := readBody(w, r)
		if err != nil {
			return err
		}
		p, err := parseSearchBody(k, body)
		if err != nil {
			return err
		}
		return write(w, r, c, p)
	}
}
