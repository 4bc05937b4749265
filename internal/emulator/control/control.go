// Package control is the emulator's control API under /_emulator/: it plays
// the people and the passage of time the services depend on (customer
// admins consenting, the clock, faults) and seeds what tests and demos need.
// Every operation is a method of the emulator (for in-process tests) and a
// route here (for the standalone emulator and scripts).
package control

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/businesscentral"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/route"
	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// Controller is what the control API drives: the emulator's Server.
type Controller interface {
	SeedTenant(TenantSeed) error
	Tenants() []TenantSummary
	AddGDAPRelationship(partnerTenantID string, g GDAPSeed) error
	DeleteTenant(id string) error
	SetConsentAdmin(tenantID, upn string) error
	Consent(tenantID, clientID, upn string) error
	Revoke(tenantID, clientID string) error
	Now() time.Time
	Advance(time.Duration)
	InjectFault(Fault) error
	ClearFaults()
	SetReplicationDelay(time.Duration)
	Counters() Counters
	ResetCounters()
	CompleteDeviceCode(userCode, upn string) error
	IssueRefreshToken(upn, clientID string) (string, error)
	IssueFederatedToken(FederatedTokenRequest) (FederatedToken, error)
	Reset()
	SaveState() ([]byte, error)
	LoadState([]byte) error

	SeedBCEnvironment(tenantID string, spec businesscentral.EnvironmentSpec) error
	RemoveBCEnvironment(tenantID, name string) error
	BCAuthorizedApps(tenantID string) ([]string, error)
	AuthorizeBCApp(tenantID, clientID string) error
	RemoveBCAuthorizedApp(tenantID, clientID string) error
	CreateBCEntraApp(tenantID, env string, spec businesscentral.EntraAppSpec) (businesscentral.EntraAppState, error)
	SetBCEntraAppState(tenantID, env, clientID, state string) (businesscentral.EntraAppState, error)
	BCEntraApp(tenantID, env, clientID string) (businesscentral.EntraAppState, error)
	DeleteBCEntraApp(tenantID, env, clientID string) error
	SetBCConsentDelay(tenantID string, d time.Duration) error
	ThrottleBC(tenantID string, count, retryAfterSeconds int) error
	SetThrottling(on bool)
	ThrottleState() ThrottleStatus
}

// handler answers a control request with a value (nil: 204) or an error.
type handler func(r *http.Request) (any, error)

// badBody is a control request whose body does not decode.
type badBody struct{ msg string }

func (e *badBody) Error() string { return e.msg }

// decode reads a JSON body; msg says what the body must be.
func decode(r *http.Request, v any, msg string) error {
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		if msg == "" {
			msg = "invalid JSON body: " + err.Error()
		}
		return &badBody{msg}
	}
	return nil
}

// serve is the control API's one adapter: 404 for anything missing (a
// wrapped store.ErrNotFound included), 400 for anything refused, 200 with a
// value, else 204. Errors are {"error": "..."}.
func serve(h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := h(r)
		const ct = "application/json; charset=utf-8"
		switch {
		case errors.Is(err, store.ErrNotFound):
			route.WriteJSON(w, http.StatusNotFound, ct, map[string]string{"error": err.Error()})
		case err != nil:
			route.WriteJSON(w, http.StatusBadRequest, ct, map[string]string{"error": err.Error()})
		case v == nil:
			w.WriteHeader(http.StatusNoContent)
		default:
			if raw, ok := v.(json.RawMessage); ok {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(raw)
				return
			}
			route.WriteJSON(w, http.StatusOK, ct, v)
		}
	})
}

// none adapts an operation without a result.
func none(err error) (any, error) { return nil, err }

// Handler serves the control API's route table.
func Handler(c Controller) http.Handler {
	clock := func() any { return map[string]any{"now": c.Now().Format(time.RFC3339Nano)} }
	const bc = "/_emulator/bc/tenants/{tenant}"
	const card = bc + "/environments/{env}/entraApps/{clientId}"
	return route.New([]route.Route{
		{Method: "POST", Pattern: "/_emulator/tenants", Handler: serve(func(r *http.Request) (any, error) {
			var seed TenantSeed
			if err := decode(r, &seed, "body must be a tenant seed"); err != nil {
				return nil, err
			}
			return none(c.SeedTenant(seed))
		})},
		{Method: "GET", Pattern: "/_emulator/tenants", Handler: serve(func(*http.Request) (any, error) { return c.Tenants(), nil })},
		{Method: "POST", Pattern: "/_emulator/tenants/{id}/relationships", Handler: serve(func(r *http.Request) (any, error) {
			var g GDAPSeed
			if err := decode(r, &g, "body must be a GDAP relationship"); err != nil {
				return nil, err
			}
			return none(c.AddGDAPRelationship(r.PathValue("id"), g))
		})},
		{Method: "DELETE", Pattern: "/_emulator/tenants/{id}", Handler: serve(func(r *http.Request) (any, error) {
			return none(c.DeleteTenant(r.PathValue("id")))
		})},
		{Method: "PUT", Pattern: "/_emulator/tenants/{id}/consentAdmin", Handler: serve(func(r *http.Request) (any, error) {
			var b struct{ UPN string }
			_ = decode(r, &b, "")
			return none(c.SetConsentAdmin(r.PathValue("id"), b.UPN))
		})},
		{Method: "POST", Pattern: "/_emulator/tenants/{id}/consent", Handler: serve(func(r *http.Request) (any, error) {
			var b struct{ ClientID, UPN string }
			_ = decode(r, &b, "")
			return none(c.Consent(r.PathValue("id"), b.ClientID, b.UPN))
		})},
		{Method: "POST", Pattern: "/_emulator/tenants/{id}/revoke", Handler: serve(func(r *http.Request) (any, error) {
			var b struct{ ClientID string }
			_ = decode(r, &b, "")
			return none(c.Revoke(r.PathValue("id"), b.ClientID))
		})},
		{Method: "GET", Pattern: "/_emulator/clock", Handler: serve(func(*http.Request) (any, error) { return clock(), nil })},
		{Method: "POST", Pattern: "/_emulator/clock/advance", Handler: serve(func(r *http.Request) (any, error) {
			var b struct{ Duration string }
			if err := decode(r, &b, `body must be {"duration":"720h"}`); err != nil {
				return nil, err
			}
			d, err := time.ParseDuration(b.Duration)
			if err != nil || d < 0 {
				return nil, fmt.Errorf("duration %q: the clock only moves forward, as a Go duration such as 720h", b.Duration)
			}
			c.Advance(d)
			return clock(), nil
		})},
		{Method: "POST", Pattern: "/_emulator/faults", Handler: serve(func(r *http.Request) (any, error) {
			var f struct {
				Fault
				LatencyMS int `json:"latencyMs"`
			}
			if err := decode(r, &f, "body must be a fault"); err != nil {
				return nil, err
			}
			if f.LatencyMS > 0 {
				f.Latency = time.Duration(f.LatencyMS) * time.Millisecond
			}
			return none(c.InjectFault(f.Fault))
		})},
		{Method: "DELETE", Pattern: "/_emulator/faults", Handler: serve(func(*http.Request) (any, error) { c.ClearFaults(); return nil, nil })},
		{Method: "PUT", Pattern: "/_emulator/replicationDelay", Handler: serve(func(r *http.Request) (any, error) {
			var b struct{ Duration string }
			_ = decode(r, &b, "")
			d, err := time.ParseDuration(b.Duration)
			if err != nil {
				return nil, err
			}
			c.SetReplicationDelay(d)
			return nil, nil
		})},
		{Method: "GET", Pattern: "/_emulator/counters", Handler: serve(func(*http.Request) (any, error) { return c.Counters(), nil })},
		{Method: "DELETE", Pattern: "/_emulator/counters", Handler: serve(func(*http.Request) (any, error) { c.ResetCounters(); return nil, nil })},
		{Method: "POST", Pattern: "/_emulator/devicecode", Handler: serve(func(r *http.Request) (any, error) {
			var b struct{ UserCode, UPN string }
			_ = decode(r, &b, "")
			return none(c.CompleteDeviceCode(b.UserCode, b.UPN))
		})},
		{Method: "POST", Pattern: "/_emulator/refreshTokens", Handler: serve(func(r *http.Request) (any, error) {
			var b struct{ UPN, ClientID string }
			_ = decode(r, &b, "")
			rt, err := c.IssueRefreshToken(b.UPN, b.ClientID)
			return map[string]string{"refresh_token": rt}, err
		})},
		{Method: "POST", Pattern: "/_emulator/oidc/token", Handler: serve(func(r *http.Request) (any, error) {
			var b FederatedTokenRequest
			if err := decode(r, &b, `body must be {"subject":"repo:org/repo:environment:prod"} with optional issuer, audience, lifetime`); err != nil {
				return nil, err
			}
			return c.IssueFederatedToken(b)
		})},
		{Method: "POST", Pattern: "/_emulator/reset", Handler: serve(func(*http.Request) (any, error) { c.Reset(); return nil, nil })},
		{Method: "GET", Pattern: "/_emulator/state", Handler: serve(func(*http.Request) (any, error) {
			b, err := c.SaveState()
			return json.RawMessage(b), err
		})},
		{Method: "PUT", Pattern: "/_emulator/state", Handler: serve(func(r *http.Request) (any, error) {
			var raw json.RawMessage
			if err := decode(r, &raw, "body must be saved state"); err != nil {
				return nil, err
			}
			return none(c.LoadState(raw))
		})},

		// Business Central: {tenant} is a tenant ID or domain.
		{Method: "PUT", Pattern: bc + "/environments/{env}", Handler: serve(func(r *http.Request) (any, error) {
			var spec businesscentral.EnvironmentSpec
			if err := decode(r, &spec, ""); err != nil {
				return nil, err
			}
			spec.Name = r.PathValue("env")
			return none(c.SeedBCEnvironment(r.PathValue("tenant"), spec))
		})},
		{Method: "DELETE", Pattern: bc + "/environments/{env}", Handler: serve(func(r *http.Request) (any, error) {
			return none(c.RemoveBCEnvironment(r.PathValue("tenant"), r.PathValue("env")))
		})},
		{Method: "GET", Pattern: bc + "/authorizedApps", Handler: serve(func(r *http.Request) (any, error) {
			return c.BCAuthorizedApps(r.PathValue("tenant"))
		})},
		{Method: "PUT", Pattern: bc + "/authorizedApps/{clientId}", Handler: serve(func(r *http.Request) (any, error) {
			return none(c.AuthorizeBCApp(r.PathValue("tenant"), r.PathValue("clientId")))
		})},
		{Method: "DELETE", Pattern: bc + "/authorizedApps/{clientId}", Handler: serve(func(r *http.Request) (any, error) {
			return none(c.RemoveBCAuthorizedApp(r.PathValue("tenant"), r.PathValue("clientId")))
		})},
		{Method: "PUT", Pattern: card, Handler: serve(func(r *http.Request) (any, error) {
			var spec businesscentral.EntraAppSpec
			if err := decode(r, &spec, ""); err != nil {
				return nil, err
			}
			spec.ClientID = r.PathValue("clientId")
			return c.CreateBCEntraApp(r.PathValue("tenant"), r.PathValue("env"), spec)
		})},
		{Method: "PATCH", Pattern: card, Handler: serve(func(r *http.Request) (any, error) {
			var in struct {
				State string `json:"state"`
			}
			if err := decode(r, &in, ""); err != nil {
				return nil, err
			}
			return c.SetBCEntraAppState(r.PathValue("tenant"), r.PathValue("env"), r.PathValue("clientId"), in.State)
		})},
		{Method: "GET", Pattern: card, Handler: serve(func(r *http.Request) (any, error) {
			return c.BCEntraApp(r.PathValue("tenant"), r.PathValue("env"), r.PathValue("clientId"))
		})},
		{Method: "DELETE", Pattern: card, Handler: serve(func(r *http.Request) (any, error) {
			return none(c.DeleteBCEntraApp(r.PathValue("tenant"), r.PathValue("env"), r.PathValue("clientId")))
		})},
		{Method: "PUT", Pattern: bc + "/consentDelay", Handler: serve(func(r *http.Request) (any, error) {
			var in struct {
				Seconds int `json:"seconds"`
			}
			if err := decode(r, &in, ""); err != nil {
				return nil, err
			}
			return none(c.SetBCConsentDelay(r.PathValue("tenant"), time.Duration(in.Seconds)*time.Second))
		})},
		{Method: "POST", Pattern: bc + "/throttle", Handler: serve(func(r *http.Request) (any, error) {
			var in struct {
				Count             int `json:"count"`
				RetryAfterSeconds int `json:"retryAfterSeconds"`
			}
			if err := decode(r, &in, ""); err != nil {
				return nil, err
			}
			return none(c.ThrottleBC(r.PathValue("tenant"), in.Count, in.RetryAfterSeconds))
		})},
		{Method: "GET", Pattern: "/_emulator/throttling", Handler: serve(func(*http.Request) (any, error) { return c.ThrottleState(), nil })},
		{Method: "PUT", Pattern: "/_emulator/throttling", Handler: serve(func(r *http.Request) (any, error) {
			var b struct {
				Enabled *bool `json:"enabled"`
			}
			if err := decode(r, &b, `body must be {"enabled":true}`); err != nil || b.Enabled == nil {
				return nil, &badBody{`body must be {"enabled":true}`}
			}
			c.SetThrottling(*b.Enabled)
			return c.ThrottleState(), nil
		})},
	})
}
