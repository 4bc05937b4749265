package provider

import (
	"context"
	"encoding/base64"
	"errors"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/function"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
	"github.com/onboard-tf/terraform-provider-onboard/internal/session"
)

var (
	_ provider.Provider              = &onboardProvider{}
	_ provider.ProviderWithFunctions = &onboardProvider{}
)

// New returns a constructor for the provider, as providerserver expects.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &onboardProvider{version: version}
	}
}

type onboardProvider struct {
	version string
}

type providerModel struct {
	TenantID                  types.String    `tfsdk:"tenant_id"`
	ClientID                  types.String    `tfsdk:"client_id"`
	ClientSecret              types.String    `tfsdk:"client_secret"`
	ClientCertificate         types.String    `tfsdk:"client_certificate"`
	ClientCertificatePath     types.String    `tfsdk:"client_certificate_path"`
	ClientCertificatePassword types.String    `tfsdk:"client_certificate_password"`
	UseOIDC                   types.Bool      `tfsdk:"use_oidc"`
	OIDCToken                 types.String    `tfsdk:"oidc_token"`
	OIDCTokenFilePath         types.String    `tfsdk:"oidc_token_file_path"`
	OIDCRequestURL            types.String    `tfsdk:"oidc_request_url"`
	OIDCRequestToken          types.String    `tfsdk:"oidc_request_token"`
	Cloud                     types.String    `tfsdk:"cloud"`
	Endpoints                 *endpointsModel `tfsdk:"endpoints"`
	Partner                   *partnerModel   `tfsdk:"partner"`
	CACertFile                types.String    `tfsdk:"ca_cert_file"`
	MaxRetryWait              types.String    `tfsdk:"max_retry_wait"`
	TokenCachePath            types.String    `tfsdk:"token_cache_path"`
}

type partnerModel struct {
	ClientID     types.String `tfsdk:"client_id"`
	RefreshToken types.String `tfsdk:"refresh_token"`
}

// azureCLIClientID is Microsoft's public client that partner admins commonly
// sign in with; it needs no consent in customer tenants.
const azureCLIClientID = "04b07795-8ddb-461a-bbee-02f9e1bf7b46"

type endpointsModel struct {
	Login           types.String `tfsdk:"login"`
	Graph           types.String `tfsdk:"graph"`
	BusinessCentral types.String `tfsdk:"business_central"`
}

// providerData is what resources and data sources get from Configure.
type providerData struct {
	// Session builds and caches every API client.
	Session  *session.Session
	Cloud    auth.Cloud
	Graph    *graph.Client // the home tenant, as the automation identity
	TenantID string
	// HasPartner: a partner admin's credential is configured, to act in
	// customer tenants through GDAP.
	HasPartner bool

	// appLocks serialises read-merge-write of one application's
	// requiredResourceAccess across onboard_api_permission resources.
	appLocks sync.Map
	// manageable remembers, per app, the tenants Business Central's
	// manageableTenants listed during this run.
	manageable sync.Map
	// customers maps "tenant id/client id" to the tenant reference planned
	// for it in this run, to catch one customer listed twice.
	customers sync.Map
	// apis maps an API's app ID to what its service principal offers, read
	// once per run (resource_api_permission.go).
	apis sync.Map
	// credentials are the app secrets seen in this run (app_credential.go).
	credentials appCredentials
}

// planCustomer records that the plan onboards clientID into tenantID,
// written as ref; it returns the other reference when a different one was
// planned for the same pair (the same resource planned again has the same).
func (d *providerData) planCustomer(tenantID, clientID, ref string) (string, bool) {
	ref = strings.ToLower(strings.TrimSpace(ref))
	prev, loaded := d.customers.LoadOrStore(strings.ToLower(tenantID)+"/"+strings.ToLower(clientID), ref)
	other, _ := prev.(string)
	return other, loaded && other != ref
}

func (d *providerData) lockApp(objectID string) func() {
	m, _ := d.appLocks.LoadOrStore(strings.ToLower(objectID), &sync.Mutex{})
	mu, _ := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

func (p *onboardProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "onboard"
	resp.Version = p.version
}

func (p *onboardProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	str := func(desc string, sensitive bool, v ...validator.String) schema.StringAttribute {
		return schema.StringAttribute{Optional: true, Sensitive: sensitive, MarkdownDescription: desc, Validators: v}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Onboards Microsoft Entra apps and customer tenants (Microsoft Graph, Dynamics 365 Business Central) declaratively. " +
			"Every argument can also come from the environment; `ONBOARD_*` variables win over the `ARM_*` ones the azuread provider uses.",
		Attributes: map[string]schema.Attribute{
			"tenant_id": str("The home tenant (GUID) of the automation identity. Environment: `ONBOARD_TENANT_ID`, `ARM_TENANT_ID`.", false),
			"client_id": str("The client (application) ID of the automation identity, an app with Microsoft Graph application permissions "+
				"`Application.ReadWrite.All` and `AppRoleAssignment.ReadWrite.All` in the home tenant. Environment: `ONBOARD_CLIENT_ID`, `ARM_CLIENT_ID`.", false),
			"client_secret": str("A client secret of the automation identity. Environment: `ONBOARD_CLIENT_SECRET`, `ARM_CLIENT_SECRET`.", true),
			"client_certificate": str("A client certificate with its private key, as PEM or base64-encoded PKCS#12. "+
				"Environment: `ONBOARD_CLIENT_CERTIFICATE`, `ARM_CLIENT_CERTIFICATE`.", true),
			"client_certificate_path": str("Path to a PEM or PKCS#12 (`.pfx`) file with the client certificate and its private key. "+
				"Environment: `ONBOARD_CLIENT_CERTIFICATE_PATH`, `ARM_CLIENT_CERTIFICATE_PATH`.", false),
			"client_certificate_password": str("Password of the PKCS#12 client certificate. Environment: `ONBOARD_CLIENT_CERTIFICATE_PASSWORD`, `ARM_CLIENT_CERTIFICATE_PASSWORD`.", true),
			"use_oidc": schema.BoolAttribute{Optional: true, MarkdownDescription: "Sign in with an OIDC federated token (GitHub Actions, Azure DevOps, other CI) " +
				"matched by a federated identity credential of the automation identity. Environment: `ONBOARD_USE_OIDC`, `ARM_USE_OIDC`."},
			"oidc_token":           str("The OIDC token itself. Environment: `ONBOARD_OIDC_TOKEN`, `ARM_OIDC_TOKEN`.", true),
			"oidc_token_file_path": str("A file holding the OIDC token, read for each token request. Environment: `ONBOARD_OIDC_TOKEN_FILE_PATH`, `ARM_OIDC_TOKEN_FILE_PATH`.", false),
			"oidc_request_url": str("URL that issues OIDC tokens (GitHub Actions). Environment: `ONBOARD_OIDC_REQUEST_URL`, `ARM_OIDC_REQUEST_URL`, "+
				"`ACTIONS_ID_TOKEN_REQUEST_URL`.", false),
			"oidc_request_token": str("Bearer token for `oidc_request_url`. Environment: `ONBOARD_OIDC_REQUEST_TOKEN`, `ARM_OIDC_REQUEST_TOKEN`, `ACTIONS_ID_TOKEN_REQUEST_TOKEN`.", true),
			"cloud": str("The Microsoft cloud: `public` (default), `usgovernment` or `china`. Environment: `ONBOARD_CLOUD`, `ARM_ENVIRONMENT`.", false,
				stringvalidator.OneOf("public", "usgovernment", "china")),
			"endpoints": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Override the cloud's hosts, e.g. to use the local emulator. Token audiences stay the cloud's resource identifiers. " +
					"Each must be `https://`; `http://` is refused (tokens and secrets would travel in cleartext) except to loopback addresses (`localhost`, `127.0.0.0/8`, `::1`). " +
					"A certificate from an authority the system does not trust (a TLS-inspecting proxy, the emulator) needs `ca_cert_file`.",
				Attributes: map[string]schema.Attribute{
					"login": str("Identity platform origin, e.g. `https://login.microsoftonline.com`. Environment: `ONBOARD_LOGIN_ENDPOINT`.", false,
						endpointValidator{"https://login.microsoftonline.com"}),
					"graph": str("Microsoft Graph origin, e.g. `https://graph.microsoft.com`. Environment: `ONBOARD_GRAPH_ENDPOINT`.", false,
						endpointValidator{"https://graph.microsoft.com"}),
					"business_central": str("Business Central API origin, e.g. `https://api.businesscentral.dynamics.com`. Environment: `ONBOARD_BC_ENDPOINT`.", false,
						endpointValidator{"https://api.businesscentral.dynamics.com"}),
				},
			},
			"partner": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "A partner administrator's delegated credential, used to grant admin consent in customer tenants where GDAP gives that " +
					"user Cloud Application Administrator (any API but Microsoft Graph app roles) or Global / Privileged Role Administrator. " +
					"A refresh token works non-interactively in CI (for example from `az login` with the Azure CLI client).",
				Attributes: map[string]schema.Attribute{
					"client_id":     str("The public client the refresh token was issued to. Default: the Azure CLI (`"+azureCLIClientID+"`). Environment: `ONBOARD_PARTNER_CLIENT_ID`.", false),
					"refresh_token": str("The partner admin's refresh token. Environment: `ONBOARD_PARTNER_REFRESH_TOKEN`.", true),
				},
			},
			"ca_cert_file": str("A PEM file of extra certificate authorities to trust (the emulator's, or a corporate proxy's). Environment: `ONBOARD_CA_CERT_FILE`.", false),
			"max_retry_wait": str("The longest the provider waits before retrying a throttled (429) or failing (5xx) request, whatever the service's `Retry-After` asks "+
				"(Microsoft may ask for hours), e.g. `30s` or `10m`; between `1s` and `1h`, default `5m`. A request is retried a few times at most (8 for Graph, 4 for Business Central, 5 for tokens), "+
				"and a wait that would outlast the operation's time limit (such as `onboard_sync`'s `tenant_timeout`) is not started: the service's answer is reported at once. "+
				"Every wait is logged at INFO (`TF_LOG=INFO`) with the API, method, path, status, delay and retry number. Environment: `ONBOARD_MAX_RETRY_WAIT`.", false,
				durationValidator("must be a duration such as \"5m\" (units d, h, m, s)"), durationBetween(time.Second, time.Hour, "5m")),
			"token_cache_path": str("A file in which the provider keeps the access tokens it gets (automation identity, onboarded apps, partner), "+
				"so that the next run within the tokens' lifetime (about an hour) asks for none: without it every `terraform plan` asks for a token per API and customer tenant. "+
				"Created if absent, mode `0600`, rewritten atomically; several roots may share one. "+
				"**The file holds live access tokens: treat it like a secret** (anyone who reads it can call Graph and Business Central as the provider until the tokens expire); "+
				"keep it out of version control and out of shared CI caches and artifacts. It holds no client secret or refresh token. "+
				"The provider keeps the file's tokens in memory for the run (without a file, it keeps at most 48 MiB of tokens and asks again for one it let go): "+
				"give each large shard its own file rather than one file for thousands of tenants across shards. "+
				"Consent read from a cached token is the consent when the token was issued: a permission the token lacks is checked again with a new token, "+
				"but a revocation outside Terraform shows only once the cached token expires (delete the file to see it at once). "+
				"Environment: `ONBOARD_TOKEN_CACHE_PATH`.", false),
		},
	}
}

// setting picks the configured value, else the first set environment variable.
func setting(v types.String, env ...string) string {
	if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
		return v.ValueString()
	}
	for _, e := range env {
		if s := os.Getenv(e); s != "" {
			return s
		}
	}
	return ""
}

func (p *onboardProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cloud, err := auth.CloudByName(setting(m.Cloud, "ONBOARD_CLOUD", "ARM_ENVIRONMENT"))
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("cloud"), "Unknown cloud", err.Error())
		return
	}
	ep := m.Endpoints
	if ep == nil {
		ep = &endpointsModel{}
	}
	for _, e := range []struct {
		attr, env, example string
		v                  types.String
		target             *string
	}{
		{"login", "ONBOARD_LOGIN_ENDPOINT", "https://login.microsoftonline.com", ep.Login, &cloud.LoginEndpoint},
		{"graph", "ONBOARD_GRAPH_ENDPOINT", "https://graph.microsoft.com", ep.Graph, &cloud.GraphEndpoint},
		{"business_central", "ONBOARD_BC_ENDPOINT", "https://api.businesscentral.dynamics.com", ep.BusinessCentral, &cloud.BCEndpoint},
	} {
		v := setting(e.v, e.env)
		if v == "" {
			continue
		}
		// The attribute's validator has checked a configured value; the
		// environment's is checked here.
		if msg := checkEndpoint(v); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("endpoints").AtName(e.attr), "Insecure or invalid endpoint",
				endpointMessage("endpoints."+e.attr+" (or "+e.env+")", v, msg, e.example))
			continue
		}
		*e.target = strings.TrimSuffix(strings.TrimSpace(v), "/")
	}
	if resp.Diagnostics.HasError() {
		return
	}

	cfg := auth.Config{
		Cloud:    cloud,
		TenantID: setting(m.TenantID, "ONBOARD_TENANT_ID", "ARM_TENANT_ID"),
		ClientID: setting(m.ClientID, "ONBOARD_CLIENT_ID", "ARM_CLIENT_ID"),
	}
	if cfg.TenantID == "" {
		resp.Diagnostics.AddAttributeError(path.Root("tenant_id"), "Missing tenant ID",
			"Set tenant_id in the provider block or ONBOARD_TENANT_ID (or ARM_TENANT_ID) in the environment: the home tenant of the automation identity.")
	}
	if cfg.ClientID == "" {
		resp.Diagnostics.AddAttributeError(path.Root("client_id"), "Missing client ID",
			"Set client_id in the provider block or ONBOARD_CLIENT_ID (or ARM_CLIENT_ID) in the environment: the automation identity's application (client) ID.")
	}
	useOIDC := (!m.UseOIDC.IsNull() && m.UseOIDC.ValueBool()) || truthy(os.Getenv("ONBOARD_USE_OIDC")) || truthy(os.Getenv("ARM_USE_OIDC"))
	certPath := setting(m.ClientCertificatePath, "ONBOARD_CLIENT_CERTIFICATE_PATH", "ARM_CLIENT_CERTIFICATE_PATH")
	certInline := setting(m.ClientCertificate, "ONBOARD_CLIENT_CERTIFICATE", "ARM_CLIENT_CERTIFICATE")
	switch {
	case useOIDC:
		cfg.OIDCToken = setting(m.OIDCToken, "ONBOARD_OIDC_TOKEN", "ARM_OIDC_TOKEN")
		cfg.OIDCTokenFilePath = setting(m.OIDCTokenFilePath, "ONBOARD_OIDC_TOKEN_FILE_PATH", "ARM_OIDC_TOKEN_FILE_PATH")
		if cfg.OIDCToken == "" && cfg.OIDCTokenFilePath == "" {
			cfg.OIDCRequestURL = setting(m.OIDCRequestURL, "ONBOARD_OIDC_REQUEST_URL", "ARM_OIDC_REQUEST_URL", "ACTIONS_ID_TOKEN_REQUEST_URL")
			cfg.OIDCRequestToken = setting(m.OIDCRequestToken, "ONBOARD_OIDC_REQUEST_TOKEN", "ARM_OIDC_REQUEST_TOKEN", "ACTIONS_ID_TOKEN_REQUEST_TOKEN")
		}
		if cfg.OIDCToken == "" && cfg.OIDCTokenFilePath == "" && cfg.OIDCRequestURL == "" {
			resp.Diagnostics.AddAttributeError(path.Root("use_oidc"), "No OIDC token source",
				"use_oidc is on but there is no oidc_token, oidc_token_file_path or oidc_request_url (in GitHub Actions, grant the job `id-token: write` so ACTIONS_ID_TOKEN_REQUEST_URL is set).")
		}
	case certPath != "" || certInline != "":
		data, err := certificateBytes(certPath, certInline)
		if err != nil {
			resp.Diagnostics.AddAttributeError(path.Root("client_certificate_path"), "Cannot read the client certificate", err.Error())
			return
		}
		cfg.ClientCertificate = data
		cfg.ClientCertificatePassword = setting(m.ClientCertificatePassword, "ONBOARD_CLIENT_CERTIFICATE_PASSWORD", "ARM_CLIENT_CERTIFICATE_PASSWORD")
	default:
		cfg.ClientSecret = setting(m.ClientSecret, "ONBOARD_CLIENT_SECRET", "ARM_CLIENT_SECRET")
		if cfg.ClientSecret == "" {
			resp.Diagnostics.AddAttributeError(path.Root("client_secret"), "Missing credential",
				"The provider needs a credential for the automation identity: set client_secret (or ONBOARD_CLIENT_SECRET / ARM_CLIENT_SECRET), "+
					"a client certificate (client_certificate_path), or use_oidc.")
		}
	}
	if resp.Diagnostics.HasError() {
		return
	}
	maxWait := session.DefaultMaxRetryWait
	if v := setting(m.MaxRetryWait, "ONBOARD_MAX_RETRY_WAIT"); v != "" {
		// The attribute's validator has checked a configured value; this
		// checks the environment's the same way.
		d, msg := checkDurationBetween(v, time.Second, time.Hour, "5m")
		if msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("max_retry_wait"), "Invalid max_retry_wait", "max_retry_wait (or ONBOARD_MAX_RETRY_WAIT) "+msg)
			return
		}
		maxWait = d
	}
	pm := m.Partner
	if pm == nil {
		pm = &partnerModel{}
	}
	opts := session.Options{Auth: cfg, Cloud: cloud, CACertFile: setting(m.CACertFile, "ONBOARD_CA_CERT_FILE"),
		UserAgent: "terraform-provider-onboard/" + p.version, Log: logHTTP, MaxRetryWait: maxWait, RetryLog: logRetry,
		ReplicationWait: envDuration("ONBOARD_REPLICATION_WAIT"), RetryBaseDelay: envDuration("ONBOARD_RETRY_BASE_DELAY"),
		TokenCachePath: setting(m.TokenCachePath, "ONBOARD_TOKEN_CACHE_PATH")}
	if rt := setting(pm.RefreshToken, "ONBOARD_PARTNER_REFRESH_TOKEN"); rt != "" {
		opts.PartnerRefreshToken, opts.PartnerClientID = rt, setting(pm.ClientID, "ONBOARD_PARTNER_CLIENT_ID")
		if opts.PartnerClientID == "" {
			opts.PartnerClientID = azureCLIClientID
		}
	}
	s, err := session.New(opts)
	var caErr *session.CAError
	var credErr *session.CredentialError
	var cacheErr *session.TokenCacheError
	switch {
	case errors.As(err, &cacheErr):
		resp.Diagnostics.AddAttributeError(path.Root("token_cache_path"), "Cannot use the token cache file",
			err.Error()+". Point token_cache_path (or ONBOARD_TOKEN_CACHE_PATH) at a file only the provider writes, or delete the file to start an empty cache.")
		return
	case errors.As(err, &caErr):
		resp.Diagnostics.AddAttributeError(path.Root("ca_cert_file"), "Cannot read the CA certificate file",
			err.Error()+". Point ca_cert_file (or ONBOARD_CA_CERT_FILE) at a readable PEM file.")
		return
	case errors.As(err, &credErr):
		resp.Diagnostics.AddError("Invalid provider credentials", err.Error())
		return
	case err != nil:
		resp.Diagnostics.AddError("Cannot build the Microsoft Graph client", err.Error())
		return
	}
	data := &providerData{Session: s, Cloud: cloud, Graph: s.Graph(), TenantID: cfg.TenantID, HasPartner: s.HasPartner()}
	resp.ResourceData = data
	resp.DataSourceData = data
}

// logHTTP hands the session's request log to Terraform's (TF_LOG=DEBUG).
func logHTTP(ctx context.Context, msg string, fields map[string]any) {
	tflog.Debug(ctx, msg, fields)
}

// logRetry makes every wait before a retry visible at TF_LOG=INFO, so a
// long apply shows progress instead of looking hung.
func logRetry(ctx context.Context, msg string, fields map[string]any) {
	tflog.Info(ctx, msg, fields)
}

// envDuration reads an environment-only tuning knob (0 = the default).
func envDuration(name string) time.Duration {
	d, err := time.ParseDuration(os.Getenv(name))
	if err != nil {
		return 0
	}
	return d
}

func truthy(s string) bool {
	switch strings.ToLower(s) {
	case "1", "true", "yes":
		return true
	}
	return false
}

func certificateBytes(path, inline string) ([]byte, error) {
	if path != "" {
		return os.ReadFile(path)
	}
	if strings.Contains(inline, "-----BEGIN") {
		return []byte(inline), nil
	}
	return base64.StdEncoding.DecodeString(strings.TrimSpace(inline))
}

func (p *onboardProvider) Resources(_ context.Context) []func() resource.Resource {
	return []func() resource.Resource{
		newEntraAppResource,
		newClientSecretResource,
		newClientCertificateResource,
		newFederatedCredentialResource,
		newAPIPermissionResource,
		newCustomerTenantResource,
		newBCAuthorizedAppResource,
		newBCEnvironmentAppResource,
	}
}

func (p *onboardProvider) DataSources(_ context.Context) []func() datasource.DataSource {
	return []func() datasource.DataSource{
		newEntraAppDataSource,
		newSyncDataSource,
		newCustomerTenantsDataSource,
	}
}

func (p *onboardProvider) Functions(_ context.Context) []func() function.Function {
	return []func() function.Function{
		newPermissionIDFunction,
		newAdminConsentURLFunction,
	}
}

// configureData is the shared Configure of every resource and data source.
func configureData(raw any, diags interface{ AddError(string, string) }) *providerData {
	if raw == nil {
		return nil // not configured yet (validation); Configure is called again
	}
	d, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", "This is a bug in the onboard provider; please report it.")
		return nil
	}
	return d
}

// FlushTokenCaches writes tokens not yet written to every token cache file
// (token_cache_path); main calls it when Terraform stops the provider.
func FlushTokenCaches() error { return session.FlushTokenCaches() }
