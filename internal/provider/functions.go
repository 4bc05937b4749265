package provider

import (
	"context"
	"errors"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/function"

	"github.com/onboard-tf/terraform-provider-onboard/internal/auth"
	"github.com/onboard-tf/terraform-provider-onboard/internal/onboarding"
)

var (
	_ function.Function = permissionIDFunction{}
	_ function.Function = adminConsentURLFunction{}
)

func newPermissionIDFunction() function.Function { return permissionIDFunction{} }

type permissionIDFunction struct{}

func (permissionIDFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "permission_id"
}

func (permissionIDFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The ID of an API permission, by name.",
		MarkdownDescription: "Returns the ID of a permission of a well-known API (`Microsoft Graph`, `Dynamics 365 Business Central`) by name: " +
			"the application permission (app role) if there is one, else the delegated permission (scope). An unknown name fails with the closest valid names.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "api", MarkdownDescription: "The API's name, alias or application ID."},
			function.StringParameter{Name: "name", MarkdownDescription: "The permission's name, e.g. `User.Read.All`."},
		},
		Return: function.StringReturn{},
	}
}

func (permissionIDFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var apiName, name string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &apiName, &name))
	if resp.Error != nil {
		return
	}
	api, err := onboarding.LookupAPI(apiName)
	if err != nil {
		resp.Error = function.NewArgumentFuncError(0, err.Error())
		return
	}
	p, err := api.Resolve(name, onboarding.Application)
	if err != nil {
		var derr error
		if p, derr = api.Resolve(name, onboarding.Delegated); derr != nil {
			resp.Error = function.NewArgumentFuncError(1, err.Error())
			return
		}
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, p.ID))
}

func newAdminConsentURLFunction() function.Function { return adminConsentURLFunction{} }

type adminConsentURLFunction struct{}

func (adminConsentURLFunction) Metadata(_ context.Context, _ function.MetadataRequest, resp *function.MetadataResponse) {
	resp.Name = "admin_consent_url"
}

func (adminConsentURLFunction) Definition(_ context.Context, _ function.DefinitionRequest, resp *function.DefinitionResponse) {
	resp.Definition = function.Definition{
		Summary: "The admin consent URL to send to a customer's administrator.",
		MarkdownDescription: "Returns the Microsoft identity platform v2 admin consent URL " +
			"(`https://login.microsoftonline.com/{tenant}/v2.0/adminconsent`) for an app in a tenant, asking for all the app's permissions (`.default`) on the APIs named after `redirect_uri`: " +
			"`\"Microsoft Graph\"` (the default when none is named), `\"Dynamics 365 Business Central\"`, or any API's client ID. " +
			"A Global Administrator or Cloud Application Administrator of that tenant opens it; Microsoft then redirects to `redirect_uri`, which must be one of the app's web redirect URIs. " +
			"Functions cannot see provider settings, so the URL is always the public cloud's.",
		Parameters: []function.Parameter{
			function.StringParameter{Name: "tenant", MarkdownDescription: "The customer tenant: ID or domain, e.g. `contoso.onmicrosoft.com` (or `organizations`)."},
			function.StringParameter{Name: "client_id", MarkdownDescription: "The app's client ID."},
			function.StringParameter{Name: "redirect_uri", MarkdownDescription: "Where Microsoft sends the administrator afterwards: a web redirect URI (https, or http to `localhost` or `127.0.0.1`)."},
		},
		VariadicParameter: function.StringParameter{Name: "apis", MarkdownDescription: "The APIs to consent to, by name or client ID; Microsoft Graph when none is given."},
		Return:            function.StringReturn{},
	}
}

func (adminConsentURLFunction) Run(ctx context.Context, req function.RunRequest, resp *function.RunResponse) {
	var tenant, clientID, redirect string
	var apis []string
	resp.Error = function.ConcatFuncErrors(resp.Error, req.Arguments.Get(ctx, &tenant, &clientID, &redirect, &apis))
	if resp.Error != nil {
		return
	}
	if msg := checkTenantRef(tenant); msg != "" && !strings.EqualFold(strings.TrimSpace(tenant), "organizations") {
		resp.Error = function.NewArgumentFuncError(0, "tenant "+msg+" (or \"organizations\")")
		return
	}
	if !onboarding.IsGUID(clientID) {
		resp.Error = function.NewArgumentFuncError(1, "client_id must be the app's client ID (a GUID), got \""+clientID+"\"")
		return
	}
	if msg := onboarding.CheckRedirectURI(redirect, false); msg != "" {
		resp.Error = function.NewArgumentFuncError(2, "redirect_uri: "+msg)
		return
	}
	public, _ := auth.CloudByName("public")
	var resources []string
	for i, ref := range apis {
		api, err := onboarding.LookupAPI(ref)
		if err != nil && !errors.Is(err, onboarding.ErrUnknownAPI) {
			resp.Error = function.NewArgumentFuncError(int64(3+i), err.Error())
			return
		}
		resources = append(resources, resourceURI(public, api.AppID)) // an app ID is a valid resource for .default
	}
	resp.Error = function.ConcatFuncErrors(resp.Error, resp.Result.Set(ctx, onboarding.AdminConsentURL("", tenant, clientID, redirect, resources...)))
}
