package provider

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
	"github.com/onboard-tf/terraform-provider-onboard/internal/session"
)

// requiredPermission is one permission an app requires, as its
// requiredResourceAccess says, with the API's name.
type requiredPermission = onboarding.RequiredPermission

// requiredPermissions reads what the app requires from its registration in
// the home tenant.
func (d *providerData) requiredPermissions(ctx context.Context, clientID string) ([]requiredPermission, error) {
	app, err := d.Graph.CachedApplicationByAppID(ctx, clientID)
	if err != nil {
		return nil, err
	}
	var out []requiredPermission
	for _, rra := range app.RequiredResourceAccess {
		api, err := onboarding.LookupAPI(rra.ResourceAppID)
		if errors.Is(err, onboarding.ErrUnknownAPI) {
			sp, serr := d.Graph.GetAPIPermissions(ctx, rra.ResourceAppID)
			if serr != nil {
				return nil, fmt.Errorf("reading API %s that app %s requires: %w", rra.ResourceAppID, clientID, serr)
			}
			api = onboarding.API{Name: sp.DisplayName, AppID: rra.ResourceAppID}
			for _, r := range sp.AppRoles {
				api.Permissions = append(api.Permissions, onboarding.Permission{Name: r.Value, ID: r.ID, Kind: onboarding.Application})
			}
			for _, s := range sp.OAuth2PermissionScopes {
				api.Permissions = append(api.Permissions, onboarding.Permission{Name: s.Value, ID: s.ID, Kind: onboarding.Delegated})
			}
		}
		for _, ra := range rra.Access {
			p := requiredPermission{API: api.Name, ResourceAppID: strings.ToLower(rra.ResourceAppID), ID: strings.ToLower(ra.ID), Name: ra.ID, Kind: onboarding.Delegated}
			if ra.Type == "Role" {
				p.Kind = onboarding.Application
			}
			for _, known := range api.Permissions {
				if strings.EqualFold(known.ID, ra.ID) && known.Kind == p.Kind {
					p.Name = known.Name
				}
			}
			out = append(out, p)
		}
	}
	return out, nil
}

// resourceURI is the token audience of an API in the provider's cloud.
func (d *providerData) resourceURI(appID string) string { return resourceURI(d.Cloud, appID) }

// resourceURI is the token audience of an API: the cloud's identifier for
// Graph and Business Central, the app ID for others.
func resourceURI(cloud auth.Cloud, appID string) string {
	switch strings.ToLower(appID) {
	case onboarding.GraphAppID:
		return cloud.GraphResource
	case onboarding.BusinessCentralAppID:
		return cloud.BCResource
	}
	return appID
}

// consentObservation is what a tenant shows of an app's consent: facts
// only; onboarding.EvaluateConsent judges them.
type consentObservation struct {
	// Observable are the required permissions this way of reading can see.
	Observable []requiredPermission
	Grants     []onboarding.Grant
	SPPresent  bool
	SPID       string
}

// consent judges the observation.
func (o consentObservation) consent() onboarding.Consent {
	return onboarding.EvaluateConsent(o.Observable, o.Grants)
}

// observeWithAppToken reads consent the cheapest reliable way: an app-only
// token for each API, issued to the app in that tenant, lists the granted
// application permissions in its roles claim. Delegated permissions cannot
// be seen this way and are left out.
//
// A token already held (this run's, or an earlier run's from
// token_cache_path) answers when its roles hold every required permission
// of the API; one that lacks any is asked for again, since consent may
// have been granted since it was issued (by this apply, or by an admin
// following the consent URL). So a no-change plan costs one token per API
// and tenant at most, and none within the tokens' lifetime with a token
// cache file; a revocation shows once the cached token has expired.
func (d *providerData) observeWithAppToken(ctx context.Context, tenantID string, cred session.AppCredential, required []requiredPermission) (consentObservation, error) {
	roles := onboarding.ApplicationPermissions(required)
	var grants []onboarding.Grant
	seen := map[string]bool{}
	present := true
	spID := ""
	for _, p := range roles {
		if seen[p.ResourceAppID] {
			continue
		}
		seen[p.ResourceAppID] = true
		resource := d.resourceURI(p.ResourceAppID)
		c, err := d.Session.CachedAppTokenClaimsAs(ctx, tenantID, cred, resource)
		if err == nil && !onboarding.TokenShowsAll(c.Roles, roles, p.ResourceAppID) {
			c, err = d.Session.AppTokenClaimsAs(ctx, tenantID, cred, resource)
		}
		if te, ok := auth.AsTokenError(err); ok && onboarding.AppAbsent(te.Code) {
			present = false
			break // the app is not in the tenant: nothing is consented
		}
		if err != nil {
			return consentObservation{}, err
		}
		for _, r := range c.Roles {
			grants = append(grants, onboarding.Grant{ResourceAppID: p.ResourceAppID, Name: r, Kind: onboarding.Application})
		}
		spID = c.OID // an app-only token's oid is the app's service principal
	}
	if !present {
		grants, spID = nil, ""
	}
	return consentObservation{Observable: roles, Grants: grants, SPPresent: present, SPID: spID}, nil
}

// observeWithGraph reads consent through Graph where the provider's
// automation identity can (its home tenant): app role assignments and
// delegated grants of the app's service principal.
func observeWithGraph(ctx context.Context, g *graph.Client, clientID string, required []requiredPermission) (consentObservation, string, error) {
	sp, err := g.GetServicePrincipalByAppID(ctx, clientID)
	if graph.IsNotFound(err) {
		return consentObservation{Observable: required}, "", nil
	}
	if err != nil {
		return consentObservation{}, "", err
	}
	assignments, err := g.ListAppRoleAssignments(ctx, sp.ID)
	if err != nil {
		return consentObservation{}, "", err
	}
	grants, err := g.ListPermissionGrants(ctx, sp.ID)
	if err != nil {
		return consentObservation{}, "", err
	}
	apiOf := map[string]string{} // resource SP ID -> resource app ID
	looked := map[string]bool{}
	for _, p := range required {
		if looked[p.ResourceAppID] {
			continue
		}
		looked[p.ResourceAppID] = true
		rsp, err := g.GetServicePrincipalByAppID(ctx, p.ResourceAppID)
		if graph.IsNotFound(err) {
			continue
		}
		if err != nil {
			return consentObservation{}, "", err
		}
		apiOf[strings.ToLower(rsp.ID)] = p.ResourceAppID
	}
	var seen []onboarding.Grant
	for _, a := range assignments {
		if api, ok := apiOf[strings.ToLower(a.ResourceID)]; ok {
			seen = append(seen, onboarding.Grant{ResourceAppID: api, ID: a.AppRoleID, Kind: onboarding.Application})
		}
	}
	for _, gr := range grants {
		if api, ok := apiOf[strings.ToLower(gr.ResourceID)]; ok && gr.ConsentType == "AllPrincipals" {
			for _, scope := range strings.Fields(gr.Scope) {
				seen = append(seen, onboarding.Grant{ResourceAppID: api, Name: scope, Kind: onboarding.Delegated})
			}
		}
	}
	return consentObservation{Observable: required, Grants: seen, SPPresent: true}, sp.ID, nil
}

// grantWithGraph does what admin consent does, through a Graph client that
// may write app role assignments in the tenant: the app's service principal,
// every required app role, one AllPrincipals grant per API for scopes.
func grantWithGraph(ctx context.Context, g *graph.Client, clientID string, required []requiredPermission) error {
	client, err := g.EnsureServicePrincipal(ctx, clientID)
	if err != nil {
		return fmt.Errorf("creating the app's service principal: %w", err)
	}
	existing, err := g.ListAppRoleAssignments(ctx, client.ID)
	if err != nil {
		return err
	}
	scopes := map[string][]string{}
	resourceSP := map[string]string{}
	var failed []error
	for _, p := range required {
		if _, ok := resourceSP[p.ResourceAppID]; !ok {
			rsp, err := g.EnsureServicePrincipal(ctx, p.ResourceAppID)
			if err != nil {
				return fmt.Errorf("finding API %s in the tenant: %w", p.API, err)
			}
			resourceSP[p.ResourceAppID] = rsp.ID
		}
		rid := resourceSP[p.ResourceAppID]
		if p.Kind == onboarding.Delegated {
			scopes[rid] = append(scopes[rid], p.Name)
			continue
		}
		if slices.ContainsFunc(existing, func(a graph.AppRoleAssignment) bool {
			return strings.EqualFold(a.ResourceID, rid) && strings.EqualFold(a.AppRoleID, p.ID)
		}) {
			continue
		}
		// One refused permission (e.g. a Graph app role under Cloud
		// Application Administrator) must not stop the others.
		if err := g.AssignAppRole(ctx, rid, client.ID, p.ID); err != nil {
			failed = append(failed, fmt.Errorf("granting %s: %w", p.Label(), err))
		}
	}
	for rid, s := range scopes {
		if err := g.GrantScopes(ctx, client.ID, rid, s); err != nil {
			failed = append(failed, fmt.Errorf("granting delegated permissions: %w", err))
		}
	}
	return errors.Join(failed...)
}

// revokeWithGraph removes the app's consent and service principal.
func revokeWithGraph(ctx context.Context, g *graph.Client, clientID string) error {
	sp, err := g.GetServicePrincipalByAppID(ctx, clientID)
	if graph.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	return g.DeleteServicePrincipal(ctx, sp.ID)
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
