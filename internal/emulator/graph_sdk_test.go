package emulator

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/http"
	"net/url"
	"testing"

	abs "github.com/microsoft/kiota-abstractions-go"
	absauth "github.com/microsoft/kiota-abstractions-go/authentication"
	khttp "github.com/microsoft/kiota-http-go"
	jsonser "github.com/microsoft/kiota-serialization-json-go"
	core "github.com/microsoftgraph/msgraph-sdk-go-core"
	"github.com/microsoftgraph/msgraph-sdk-go/applications"
	"github.com/microsoftgraph/msgraph-sdk-go/applicationswithuniquename"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
	"github.com/microsoftgraph/msgraph-sdk-go/models/odataerrors"
	"github.com/microsoftgraph/msgraph-sdk-go/serviceprincipals"

	"github.com/onboard-tf/terraform-provider-onboard/internal/emulator/store"
)

// These tests prove compatibility: the unmodified msgraph-sdk-go request
// builders (with kiota's default middleware, gzip request bodies included)
// work against the emulator.

type staticToken struct{ tok string }

func (p staticToken) GetAuthorizationToken(context.Context, *url.URL, map[string]interface{}) (string, error) {
	return p.tok, nil
}
func (p staticToken) GetAllowedHostsValidator() *absauth.AllowedHostsValidator {
	v, _ := absauth.NewAllowedHostsValidatorErrorCheck(nil)
	return v
}

func sdkAdapter(t *testing.T, s *Server, token string) *core.GraphRequestAdapterBase {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(s.CACertPEM())
	hc := &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport: khttp.NewCustomTransportWithParentTransport(&http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}},
			core.GetDefaultMiddlewaresWithOptions(&core.GraphClientOptions{GraphServiceVersion: "v1.0", GraphServiceLibraryVersion: "1.89.0"})...),
	}
	adapter, err := core.NewGraphRequestAdapterBaseWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(
		absauth.NewBaseBearerTokenAuthenticationProvider(staticToken{token}), core.GraphClientOptions{},
		jsonser.NewJsonParseNodeFactory(), jsonser.NewJsonSerializationWriterFactory(), hc)
	if err != nil {
		t.Fatal(err)
	}
	adapter.SetBaseUrl(s.URL() + "/v1.0")
	return adapter
}

func TestMSGraphSDKApplicationsAgainstEmulator(t *testing.T) {
	s := newTestServer(t)
	ctx := context.Background()
	adapter := sdkAdapter(t, s, automationToken(t, s))
	base := map[string]string{"baseurl": adapter.GetBaseUrl()}
	apps := applications.NewApplicationsRequestBuilderInternal(base, adapter)

	app := models.NewApplication()
	name, aud := "Qezaro Orbit", "AzureADMultipleOrgs"
	app.SetDisplayName(&name)
	app.SetSignInAudience(&aud)
	web := models.NewWebApplication()
	web.SetRedirectUris([]string{"https://orbit.qezaro.com/reseller"})
	app.SetWeb(web)
	created, err := apps.Post(ctx, app, nil)
	if err != nil {
		t.Fatalf("create: %v", describe(err))
	}
	if *created.GetDisplayName() != name || created.GetAppId() == nil || created.GetWeb().GetRedirectUris()[0] != "https://orbit.qezaro.com/reseller" || *created.GetSignInAudience() != aud {
		t.Fatalf("created = %+v", created)
	}

	// Upsert by uniqueName: 201 with the object, then 204 without.
	un := "onboard-orbit"
	h := abs.NewRequestHeaders()
	h.Add("Prefer", "create-if-missing")
	up := applicationswithuniquename.NewApplicationsWithUniqueNameRequestBuilderInternal(base, adapter, &un)
	upApp := models.NewApplication()
	upApp.SetDisplayName(&name)
	first, err := up.Patch(ctx, upApp, &applicationswithuniquename.ApplicationsWithUniqueNameRequestBuilderPatchRequestConfiguration{Headers: h})
	if err != nil || first == nil || *first.GetUniqueName() != un {
		t.Fatalf("upsert create: %v %v", first, describe(err))
	}
	second, err := up.Patch(ctx, upApp, &applicationswithuniquename.ApplicationsWithUniqueNameRequestBuilderPatchRequestConfiguration{Headers: h})
	if err != nil || second != nil {
		t.Fatalf("upsert again: %v %v", second, describe(err))
	}
	if n := countApps(s, DefaultHomeTenantID, name); n != 2 {
		t.Fatalf("%d apps named %q, want 2 (one created, one upserted twice)", n, name)
	}

	// addPassword returns the secret text once.
	body := applications.NewItemAddPasswordPostRequestBody()
	pc := models.NewPasswordCredential()
	dn := "vendor secret"
	pc.SetDisplayName(&dn)
	body.SetPasswordCredential(pc)
	pw, err := apps.ByApplicationId(*created.GetId()).AddPassword().Post(ctx, body, nil)
	if err != nil || pw.GetSecretText() == nil || len(*pw.GetSecretText()) < 16 || *pw.GetDisplayName() != dn {
		t.Fatalf("addPassword: %v %v", pw, describe(err))
	}
	got, err := apps.ByApplicationId(*created.GetId()).Get(ctx, nil)
	if err != nil || len(got.GetPasswordCredentials()) != 1 || got.GetPasswordCredentials()[0].GetSecretText() != nil {
		t.Fatalf("get after addPassword: %v", describe(err))
	}

	// Paging: the SDK's page iterator follows absolute nextLinks on the emulator.
	top := int32(1)
	page, err := apps.Get(ctx, &applications.ApplicationsRequestBuilderGetRequestConfiguration{QueryParameters: &applications.ApplicationsRequestBuilderGetQueryParameters{Top: &top}})
	if err != nil {
		t.Fatal(describe(err))
	}
	it, err := core.NewPageIterator[models.Applicationable](page, adapter, models.CreateApplicationCollectionResponseFromDiscriminatorValue)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	if err := it.Iterate(ctx, func(models.Applicationable) bool { n++; return true }); err != nil {
		t.Fatal(describe(err))
	}
	if n != 3 { // automation identity + the two above
		t.Fatalf("iterated %d applications, want 3", n)
	}

	// Service principal by appId, then a 404 as an ODataError.
	sps := serviceprincipals.NewServicePrincipalsRequestBuilderInternal(base, adapter)
	sp := models.NewServicePrincipal()
	sp.SetAppId(created.GetAppId())
	if _, err := sps.Post(ctx, sp, nil); err != nil {
		t.Fatalf("create SP: %v", describe(err))
	}
	_, err = apps.ByApplicationId("00000000-0000-4000-8000-000000000000").Get(ctx, nil)
	var oe *odataerrors.ODataError
	if !errors.As(err, &oe) || oe.ResponseStatusCode != 404 || *oe.GetErrorEscaped().GetCode() != "Request_ResourceNotFound" {
		t.Fatalf("missing app: %v", describe(err))
	}
}

func countApps(s *Server, tenantID, displayName string) int {
	n := 0
	_ = s.store.View(func(tx *store.Tx) error {
		for _, a := range tx.TenantByID(tenantID).Applications {
			if a.DisplayName == displayName {
				n++
			}
		}
		return nil
	})
	return n
}

func describe(err error) any {
	var oe *odataerrors.ODataError
	if errors.As(err, &oe) && oe.GetErrorEscaped() != nil {
		return *oe.GetErrorEscaped().GetCode() + ": " + *oe.GetErrorEscaped().GetMessage()
	}
	return err
}
