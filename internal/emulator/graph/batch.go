package graph

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// batch runs JSON batch requests (concepts/json-batching.md,
// https://learn.microsoft.com/graph/json-batching): at most 20, unique ids,
// dependsOn honoured (424 when a dependency failed). Each request is
// evaluated on its own: Intercept (injected faults, throttling) may answer
// it, a throttled one comes back as 429 with its own Retry-After inside the
// 200 batch response. The server's counters see only the $batch POST: one
// HTTP request, however many it carries.
func (s *Service) batch(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Requests []struct {
			ID        string            `json:"id"`
			Method    string            `json:"method"`
			URL       string            `json:"url"`
			Headers   map[string]string `json:"headers"`
			Body      json.RawMessage   `json:"body"`
			DependsOn []string          `json:"dependsOn"`
		} `json:"requests"`
	}
	// The batch itself needs a valid Graph token; permissions are checked
	// per inner request.
	if _, err := s.auth(r, store.GraphResource); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		s.writeError(w, r, badRequest("Invalid batch payload format."))
		return
	}
	if len(body.Requests) > 20 {
		s.writeError(w, r, Errorf(http.StatusBadRequest, "BadRequest", "Unable to deserialize content.: The number of requests in a batch exceeds the limit of 20."))
		return
	}
	seen := map[string]bool{}
	for _, q := range body.Requests {
		if seen[q.ID] || q.ID == "" {
			s.writeError(w, r, Errorf(http.StatusBadRequest, "BadRequest", "Batch request ids must be unique and non-empty."))
			return
		}
		seen[q.ID] = true
		// json-batching.md: "If a body is included with the request, the
		// headers object must contain a value for Content-Type."
		if len(q.Body) > 0 && string(q.Body) != "null" && contentType(q.Headers) == "" {
			s.writeError(w, r, Errorf(http.StatusBadRequest, "BadRequest", "Write request id : "+q.ID+" does not contain Content-Type header or body."))
			return
		}
		if strings.HasPrefix(strings.ToLower(q.URL), "http") {
			// Batched URLs are relative to the version ("/users/…").
			s.writeError(w, r, Errorf(http.StatusBadRequest, "BadRequest", "Invalid request URL '"+q.URL+"'. Batch request URLs must be relative."))
			return
		}
	}
	status := map[string]int{}
	var responses []map[string]any
	for _, q := range body.Requests {
		failed := false
		for _, d := range q.DependsOn {
			if st, ok := status[d]; !ok || st >= 400 {
				failed = true
			}
		}
		if failed {
			status[q.ID] = http.StatusFailedDependency
			responses = append(responses, map[string]any{"id": q.ID, "status": http.StatusFailedDependency,
				"body": map[string]any{"error": map[string]any{"code": "BadRequest", "message": "Failed dependency"}}})
			continue
		}
		path := "/v1.0/" + strings.TrimPrefix(q.URL, "/")
		inner, err := http.NewRequestWithContext(r.Context(), strings.ToUpper(q.Method), s.url+path, bytes.NewReader(q.Body))
		if err != nil {
			status[q.ID] = http.StatusBadRequest
			responses = append(responses, map[string]any{"id": q.ID, "status": http.StatusBadRequest})
			continue
		}
		inner.Header.Set("Authorization", r.Header.Get("Authorization"))
		for k, v := range q.Headers {
			inner.Header.Set(k, v)
		}
		NormalisePath(inner)
		rec := &recorder{header: http.Header{}, status: http.StatusOK}
		if s.Intercept == nil || !s.Intercept(rec, inner) {
			s.ServeHTTP(rec, inner)
		}
		status[q.ID] = rec.status
		resp := map[string]any{"id": q.ID, "status": rec.status, "headers": flatten(rec.header)}
		if rec.body.Len() > 0 {
			var v any
			if json.Unmarshal(rec.body.Bytes(), &v) == nil {
				resp["body"] = v
			} else {
				resp["body"] = rec.body.String()
			}
		}
		responses = append(responses, resp)
	}
	s.writeOK(w, r, route.JSON(http.StatusOK, map[string]any{"responses": responses}))
}

func contentType(h map[string]string) string {
	for k, v := range h {
		if strings.EqualFold(k, "Content-Type") {
			return v
		}
	}
	return ""
}

type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(code int)        { r.status = code }

func flatten(h http.Header) map[string]string {
	out := map[string]string{}
	for k, v := range h {
		out[k] = strings.Join(v, ",")
	}
	return out
}
