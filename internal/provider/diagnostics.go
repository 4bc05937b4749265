package provider

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/bcadmin"
	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
	"github.com/onboard-tf/terraform-provider-onboard/internal/session"
)

// This file is the one table from API errors (the identity platform's
// AADSTS codes, Microsoft Graph, Business Central) to diagnostics: a title,
// the cause as the service gave it, and the fix. The fix depends on whose
// token the refused request carried: a 403 with the partner admin's token
// means a GDAP role is missing, with the app's own token that admin consent
// is, with the automation identity's that its own permissions are.

// call is what the provider was doing when a request failed, and with which
// credential in which tenant.
type call struct {
	doing  string
	cred   session.Credential
	tenant string
	client string // the app whose token it was (App), or the app acted on
}

// explanation is one error in words: Title + Cause + Fix.
type explanation struct {
	Title string
	Cause string
	Fix   string
	// summary and description of an identity platform error, for the
	// one-line form.
	summary, description string
}

func (e explanation) detail() string {
	if e.Fix == "" {
		return e.Cause
	}
	return e.Cause + "\n\n" + e.Fix
}

// line is the explanation on one line, for attributes (onboard_sync's
// per-tenant error).
func (e explanation) line() string {
	if e.summary != "" {
		return strings.TrimSpace(e.summary + ": " + e.description + " " + e.Fix)
	}
	return strings.TrimSpace(e.Cause + " " + e.Fix)
}

// cause is the explanation without its fix, on one line: an identity
// platform error's summary and Microsoft's description, else Cause.
func (e explanation) cause() string {
	if e.summary != "" {
		return strings.TrimSpace(e.summary + ": " + e.description)
	}
	return strings.TrimSpace(e.Cause)
}

// addError adds err as an error diagnostic; with attr, on that attribute.
func addError(diags *diag.Diagnostics, c call, err error, attr ...path.Path) {
	e := explain(c, err)
	if len(attr) > 0 {
		diags.AddAttributeError(attr[0], e.Title, e.detail())
		return
	}
	diags.AddError(e.Title, e.detail())
}

// apiError is addError for the automation identity in its home tenant, the
// credential of the app registration resources.
func apiError(diags *diag.Diagnostics, doing string, err error) {
	addError(diags, call{doing: doing, cred: session.Automation}, err)
}

// aadRow is one AADSTS code: what it means and, per credential, what to do.
type aadRow struct {
	title string
	fix   func(c call, te *auth.TokenError) string
}

// aadsts lists the identity platform's answers the provider meets. The
// codes DESIGN.md names come first.
var aadsts = map[int]aadRow{
	65001: {"Admin consent has not been granted", func(c call, te *auth.TokenError) string {
		if c.cred == session.Partner {
			return "The partner admin's client " + te.ClientID + " is not consented in tenant " + te.TenantID + "; sign in with the Azure CLI client (the default) or have an administrator consent to it."
		}
		return "A Global Administrator or Cloud Application Administrator of tenant " + te.TenantID + " must grant admin consent to app " + te.ClientID + " (for example with the consent_url of onboard_customer_tenant)."
	}},
	50011: {"Redirect URI mismatch", func(call, *auth.TokenError) string {
		return "Add the redirect URI used in the request to the app's web_redirect_uris, or use one that is registered."
	}},
	700016: {"Application not found in the tenant", func(c call, te *auth.TokenError) string {
		if c.cred == session.Automation {
			return "App " + te.ClientID + " has no service principal in tenant " + te.TenantID + ": check the provider's client_id and tenant_id (ONBOARD_CLIENT_ID, ONBOARD_TENANT_ID)."
		}
		return "App " + te.ClientID + " has no service principal in tenant " + te.TenantID + ": check the client ID and tenant, make the app multi-tenant (sign_in_audience = \"AzureADMultipleOrgs\") if the tenant is a customer's, and have the tenant's admin consent to it."
	}},
	7000215: {"Invalid client secret", func(c call, te *auth.TokenError) string {
		if c.cred == session.Automation {
			return "The provider's client_secret (ONBOARD_CLIENT_SECRET) is not a current secret of app " + te.ClientID + ". Use the secret's value (not its ID)."
		}
		return "The secret is not a current secret of app " + te.ClientID + ". Use the secret's value (not its ID); if it was lost, create a new one (onboard_client_secret)."
	}},
	7000222: {"Client secret expired", func(c call, te *auth.TokenError) string {
		if c.cred == session.Automation {
			return "The provider's client_secret of app " + te.ClientID + " has expired. Create a new secret for the automation identity and update ONBOARD_CLIENT_SECRET."
		}
		return "The client secret of app " + te.ClientID + " has expired. Create a new secret (onboard_client_secret rotates it when it comes within rotate_before of its end date) and update the credential."
	}},
	90002: {"Tenant not found", func(_ call, te *auth.TokenError) string {
		return "Tenant " + te.TenantID + " does not exist (or was deleted) in this cloud. Check the tenant ID or domain and the cloud setting."
	}},
	50020: {"Partner admin has no access to the tenant", func(_ call, te *auth.TokenError) string {
		return "The partner admin's account is not a guest or GDAP user in tenant " + te.TenantID + ": a GDAP relationship with the tenant must be active (renew it in Partner Center) and include the roles the change needs."
	}},
	700082: {"Partner refresh token expired", func(call, *auth.TokenError) string {
		return "Sign in again as the partner admin (for example `az login`) and update the partner refresh_token (ONBOARD_PARTNER_REFRESH_TOKEN)."
	}},
	9002313: {"Malformed request", func(c call, _ *auth.TokenError) string {
		if c.cred == session.Partner {
			return "The partner refresh_token (ONBOARD_PARTNER_REFRESH_TOKEN) is not a refresh token: copy it whole from a fresh sign-in."
		}
		return "The identity platform could not read the request; check the credential's value."
	}},
	70011: {"Invalid scope", func(call, *auth.TokenError) string {
		return "Request a scope of the form <resource>/.default for app-only tokens."
	}},
	7000218: {"No client credential sent", func(call, *auth.TokenError) string {
		return "Configure client_secret, a client certificate, or OIDC for the provider."
	}},
	500011: {"API not found in the tenant", func(_ call, te *auth.TokenError) string {
		return "The API is not provisioned in tenant " + te.TenantID + "; for Business Central, the tenant needs a Business Central subscription."
	}},
	700027: {"Client certificate or assertion rejected", certificateFix},
	700024: {"Client certificate or assertion rejected", certificateFix},
	70021:  {"No matching federated identity credential", federatedFix},
	700212: {"No matching federated identity credential", federatedFix},
	700213: {"No matching federated identity credential", federatedFix},
	700021: {"Client assertion names another app", func(_ call, te *auth.TokenError) string {
		return "The assertion's iss and sub must both be the client ID " + te.ClientID + "; sign in with the app's own certificate (MSAL builds the assertion)."
	}},
}

func certificateFix(_ call, te *auth.TokenError) string {
	return "Upload the certificate's public part to app " + te.ClientID + " (onboard_client_certificate, or Certificates & secrets) and check that it has not expired " +
		"and that the signing machine's clock is right."
}

func federatedFix(_ call, te *auth.TokenError) string {
	return "Add a federated identity credential to app " + te.ClientID + " (onboard_federated_credential) whose issuer, subject and audience match the external token's iss, sub and aud exactly (case-sensitive)."
}

// explain looks err up in the table.
func explain(c call, err error) explanation {
	// Before the token error: a refused certificate at the login endpoint
	// arrives wrapped in one, and its AADSTS-less text says nothing.
	var tlsErr *session.TLSError
	if errors.As(err, &tlsErr) {
		return tlsExplanation(c, tlsErr)
	}
	if te, ok := auth.AsTokenError(err); ok {
		row, known := aadsts[te.Code]
		e := explanation{Title: "Token request failed", Cause: err.Error(), summary: "Token request failed", description: te.Description}
		e.Fix = "See https://login.microsoftonline.com/error?code=" + strconv.Itoa(te.Code) + " for this error code."
		if known {
			e.Title, e.summary, e.Fix = row.title, row.title, row.fix(c, te)
		}
		e.Title += " while " + c.doing
		return e
	}
	// Before the API errors: a retry stopped by the resource's timeouts
	// carries the service's last answer, but the fix is the timeout.
	if errors.Is(err, context.DeadlineExceeded) {
		return explanation{Title: "Timed out " + c.doing, Cause: err.Error(),
			Fix: "Microsoft did not answer, or kept failing, until the operation's deadline; raise the resource's timeouts (a timeouts block, e.g. create = \"30m\") or run again later."}
	}
	var ge *graph.APIError
	if errors.As(err, &ge) {
		fix, known := graphCodes[ge.Code]
		if !known {
			fix = graphFix(c, ge.StatusCode)
		}
		return explanation{Title: "Microsoft Graph refused " + c.doing, Cause: err.Error(), Fix: fix}
	}
	var be *bcadmin.APIError
	if errors.As(err, &be) {
		return explanation{Title: "Business Central refused " + c.doing, Cause: err.Error(), Fix: bcFix(c, be)}
	}
	switch {
	case errors.Is(err, session.ErrNoPartner), errors.Is(err, bcadmin.ErrDelegatedAdminRequired):
		return explanation{Title: "Partner credential needed for " + c.doing, Cause: err.Error() + ".",
			Fix: "Configure the provider's partner block (a partner admin's refresh token, or ONBOARD_PARTNER_REFRESH_TOKEN)."}
	case errors.Is(err, bcadmin.ErrAppTokenRequired):
		return explanation{Title: "App secret needed for " + c.doing, Cause: err.Error() + ".",
			Fix: "Business Central answers this only to the app itself: set client_secret to a secret of app " + c.client + "."}
	}
	return explanation{Title: "Error " + c.doing, Cause: err.Error()}
}

// tlsExplanation names the endpoint whose certificate was refused and why.
func tlsExplanation(c call, e *session.TLSError) explanation {
	x := explanation{Title: "TLS certificate of " + e.Endpoint + " refused while " + c.doing, Cause: e.Error() + "."}
	switch e.Problem {
	case session.TLSUnknownAuthority:
		x.Fix = "The certificate is signed by an authority this machine does not trust. If " + e.Endpoint + " is the emulator or is reached through " +
			"a TLS-inspecting proxy, set the provider's ca_cert_file (or ONBOARD_CA_CERT_FILE) to that authority's PEM certificate; otherwise check " +
			"that the endpoints block (ONBOARD_LOGIN_ENDPOINT, ONBOARD_GRAPH_ENDPOINT, ONBOARD_BC_ENDPOINT) points at Microsoft's hosts."
	case session.TLSExpired:
		x.Fix = "The certificate has expired or is not valid yet: check this machine's clock; if " + e.Endpoint + " is your own proxy or emulator, renew its certificate."
	case session.TLSHostnameMismatch:
		x.Fix = "The certificate is for another host name: check the host in the endpoints block (ONBOARD_LOGIN_ENDPOINT, ONBOARD_GRAPH_ENDPOINT, " +
			"ONBOARD_BC_ENDPOINT) and use one the certificate names."
	default:
		x.Fix = "Check the certificate of " + e.Endpoint + " and any proxy between this machine and it."
	}
	return x
}

// graphCodes are Graph error codes whose fix does not depend on the
// credential.
var graphCodes = map[string]string{
	// https://learn.microsoft.com/entra/identity-platform/identifier-uri-restrictions
	"HostNameNotOnVerifiedDomain": "identifier_uris must be api://<client id> (or another api:// form), a urn: name, or an https URI on one of the home tenant's " +
		"verified domains or a subdomain of one, e.g. https://contoso.com/onboarding; verify the domain in Entra (Custom domain names) or use an api:// form.",
}

func graphFix(c call, status int) string {
	switch {
	case status == http.StatusForbidden:
		switch c.cred {
		case session.Partner:
			return "The partner admin's GDAP roles in tenant " + c.tenant + " do not allow this (granting Microsoft Graph application permissions needs Global Administrator or Privileged Role Administrator; other APIs need at least Cloud Application Administrator)."
		case session.App:
			return "App " + c.client + " lacks admin consent in tenant " + c.tenant + " for the Microsoft Graph permission this needs; have the tenant's administrator consent (onboard_customer_tenant's consent_url)."
		}
		return "The provider's automation identity lacks a Microsoft Graph permission for this: it needs the application permissions " +
			"Application.ReadWrite.All and AppRoleAssignment.ReadWrite.All, with admin consent, in its home tenant."
	case status == http.StatusUnauthorized:
		return "Microsoft Graph did not accept the token; check that the credential is still valid and that the tenant's clock and Entra's agree, then run again."
	case status == http.StatusNotFound:
		return "The object does not exist (any more): it was deleted outside Terraform, or was created moments ago and Entra has not replicated it yet. Run plan again."
	case status == http.StatusTooManyRequests:
		return "Microsoft Graph kept throttling after retries; run again later or lower -parallelism."
	case status >= 500:
		return "Microsoft Graph kept failing after retries; this is on Microsoft's side. Run again later."
	}
	return ""
}

func bcFix(c call, e *bcadmin.APIError) string {
	switch {
	case errors.Is(e, bcadmin.ErrDelegatedAdminRequired):
		if c.cred == session.Partner {
			return "The partner credential was refused: its GDAP relationship with tenant " + c.tenant + " must include Dynamics 365 Administrator and be active."
		}
		return "This call needs a signed-in Dynamics 365 Administrator or Business Central Administrator: configure the provider's partner block."
	case onboarding.NeedsAutomationPermissionSet(e.Message):
		return strings.TrimSpace(onboarding.CardPermissionStep(c.client))
	case e.StatusCode == http.StatusUnauthorized && c.cred == session.App:
		return "Business Central does not let app " + c.client + " in: it is not authorized in the admin center of tenant " + c.tenant +
			" (onboard_bc_authorized_app), its \"Microsoft Entra Applications\" card is missing or disabled in the environment, or it lacks admin consent for the Business Central permission."
	case e.StatusCode == http.StatusUnauthorized || e.StatusCode == http.StatusForbidden:
		if c.cred == session.Partner {
			return "The partner admin's GDAP relationship with tenant " + c.tenant + " must be active and include Dynamics 365 Administrator (or Business Central Administrator)."
		}
		return "App " + c.client + " lacks admin consent in tenant " + c.tenant + " for the Business Central permission this needs (AdminCenter.ReadWrite.All for the admin center, Automation.ReadWrite.All for the automation API)."
	case e.StatusCode == http.StatusNotFound:
		return "Business Central has no such object: check the tenant and environment names; it may have been deleted in Business Central."
	case errors.Is(e, bcadmin.ErrThrottled):
		return "Business Central kept throttling after retries; run again later or lower -parallelism."
	case e.StatusCode >= 500:
		return "Business Central kept failing after retries; this is on Microsoft's side. Run again later."
	}
	return ""
}

// refused reports an error that means the credential may not do this (as
// opposed to a service failing): a token refused, or a 401 or 403.
func refused(err error) bool {
	if _, ok := auth.AsTokenError(err); ok {
		return true
	}
	var ge *graph.APIError
	if errors.As(err, &ge) {
		return ge.StatusCode == http.StatusUnauthorized || ge.StatusCode == http.StatusForbidden
	}
	return errors.Is(err, bcadmin.ErrUnauthorized) || errors.Is(err, bcadmin.ErrForbidden)
}

// fallbackRefused is the note added to "argument missing" when the
// credential tried instead was refused: that refusal is not the problem to
// fix, the missing argument is.
func fallbackRefused(c call, err error) string {
	e := explain(c, err)
	return "The partner credential, tried instead, was refused too: " + strings.TrimSuffix(e.Cause, ".") + ". " + e.Fix
}

// bcAuthorizationNeedsAdmin: authorizing an app in a Business Central admin
// center takes a signed-in admin, and the provider has none (err nil) or
// the partner's was refused.
func bcAuthorizationNeedsAdmin(c call, hasPartner bool, err error) explanation {
	e := explanation{Title: "Business Central authorization needs a delegated admin",
		Cause: "Authorizing app " + c.client + " in the Business Central admin center of tenant " + c.tenant +
			" needs a signed-in Dynamics 365 Administrator or Business Central Administrator of that tenant (directly or through GDAP); an app-only token is refused by Microsoft."}
	if !hasPartner || err == nil {
		e.Fix = "Configure the provider's partner block (a partner admin's refresh token), or have the customer's administrator authorize it at " +
			"https://businesscentral.dynamics.com/" + c.tenant + "/admin > Microsoft Entra Apps > Authorize Microsoft Entra app."
		return e
	}
	why := explain(c, err)
	e.Fix = "The partner credential was refused (" + why.Cause + "): its GDAP relationship with this tenant must include Dynamics 365 Administrator and be active."
	if te, ok := auth.AsTokenError(err); ok && te.Code != 50020 {
		// The refresh token itself, not the tenant, is the problem.
		e.Fix = "The partner credential was refused (" + why.Cause + "): " + why.Fix
	}
	return e
}
