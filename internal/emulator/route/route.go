// Package route matches requests against a service's route table: method,
// path pattern, handler. Patterns are "/"-separated segments; a segment is a
// literal, a {name} wildcard with an optional literal prefix and suffix
// (OData keys such as "companies({id})"), or a final {name...} that takes
// the rest. Wildcards are read with r.PathValue, as with http.ServeMux.
package route

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
)

// Route is one row of a route table.
type Route struct {
	Method  string // "" matches any method
	Pattern string
	Handler http.Handler
}

// Router serves a route table. When the path matches no route, NotFound
// answers; when it matches only with other methods, MethodNotAllowed does.
type Router struct {
	routes           []compiled
	NotFound         http.Handler
	MethodNotAllowed func(w http.ResponseWriter, r *http.Request, allow []string)
}

type segment struct {
	prefix, name, suffix string
	wild, rest           bool
}

type compiled struct {
	Route
	segs  []segment
	score int // literal characters: the more specific pattern wins
}

// New compiles a route table. It panics on a malformed pattern, as
// http.ServeMux does.
func New(routes []Route) *Router {
	rt := &Router{NotFound: http.NotFoundHandler()}
	for _, r := range routes {
		c := compiled{Route: r}
		parts := strings.Split(strings.TrimPrefix(r.Pattern, "/"), "/")
		for i, p := range parts {
			open, end := strings.IndexByte(p, '{'), strings.LastIndexByte(p, '}')
			if open < 0 {
				c.segs = append(c.segs, segment{prefix: p})
				c.score += 2 * (len(p) + 1)
				continue
			}
			if end < open {
				panic("route: bad pattern " + r.Pattern)
			}
			s := segment{prefix: p[:open], name: p[open+1 : end], suffix: p[end+1:], wild: true}
			if n, ok := strings.CutSuffix(s.name, "..."); ok {
				if i != len(parts)-1 {
					panic("route: {name...} must end the pattern " + r.Pattern)
				}
				s.name, s.rest = n, true
			}
			c.score += len(s.prefix) + len(s.suffix)
			c.segs = append(c.segs, s)
		}
		rt.routes = append(rt.routes, c)
	}
	return rt
}

// match returns the wildcard values of path for c, or false.
func (c *compiled) match(parts []string) ([][2]string, bool) {
	var vals [][2]string
	for i, s := range c.segs {
		if s.rest {
			return append(vals, [2]string{s.name, strings.Join(parts[i:], "/")}), true
		}
		if i >= len(parts) {
			return nil, false
		}
		p := parts[i]
		if !s.wild {
			if p != s.prefix {
				return nil, false
			}
			continue
		}
		if len(p) < len(s.prefix)+len(s.suffix) || !strings.HasPrefix(p, s.prefix) || !strings.HasSuffix(p, s.suffix) {
			return nil, false
		}
		v := p[len(s.prefix) : len(p)-len(s.suffix)]
		if v == "" {
			return nil, false
		}
		vals = append(vals, [2]string{s.name, v})
	}
	return vals, len(parts) == len(c.segs)
}

// Lookup finds the route for r: the handler (nil if none) with its wildcard
// values set on r, and the methods the path allows otherwise.
func (rt *Router) Lookup(r *http.Request) (http.Handler, []string) {
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/"), "/")
	var best *compiled
	var bestVals [][2]string
	var allow []string
	for i := range rt.routes {
		c := &rt.routes[i]
		vals, ok := c.match(parts)
		if !ok {
			continue
		}
		if c.Method != "" && c.Method != r.Method {
			if !slices.Contains(allow, c.Method) {
				allow = append(allow, c.Method)
			}
			continue
		}
		if best == nil || c.score > best.score {
			best, bestVals = c, vals
		}
	}
	if best == nil {
		slices.Sort(allow)
		return nil, allow
	}
	for _, v := range bestVals {
		r.SetPathValue(v[0], v[1])
	}
	return best.Handler, nil
}

// ServeHTTP serves the matching route, else MethodNotAllowed or NotFound.
func (rt *Router) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h, allow := rt.Lookup(r)
	switch {
	case h != nil:
		h.ServeHTTP(w, r)
	case len(allow) > 0 && rt.MethodNotAllowed != nil:
		rt.MethodNotAllowed(w, r, allow)
	default:
		rt.NotFound.ServeHTTP(w, r)
	}
}

// Response is what a handler returns on success; its service's adapter
// writes it.
type Response struct {
	Status int
	Header http.Header
	Body   any    // written as JSON unless Raw is set
	Raw    []byte // written as is, with Header's Content-Type
}

// JSON returns a response with a JSON body.
func JSON(status int, body any) *Response { return &Response{Status: status, Body: body} }

// Empty returns a response without a body.
func Empty(status int) *Response { return &Response{Status: status} }

// With sets a header on the response.
func (resp *Response) With(key, value string) *Response {
	if resp.Header == nil {
		resp.Header = http.Header{}
	}
	resp.Header.Set(key, value)
	return resp
}

// Write writes resp with contentType for a JSON body.
func Write(w http.ResponseWriter, resp *Response, contentType string) {
	for k, v := range resp.Header {
		w.Header()[k] = v
	}
	switch {
	case resp.Raw != nil:
		w.WriteHeader(resp.Status)
		_, _ = w.Write(resp.Raw)
	case resp.Body != nil:
		WriteJSON(w, resp.Status, contentType, resp.Body)
	default:
		w.WriteHeader(resp.Status)
	}
}

// WriteJSON writes v as JSON.
func WriteJSON(w http.ResponseWriter, status int, contentType string, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}
