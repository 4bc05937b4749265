package graph

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/microsoftgraph/msgraph-sdk-go/applications"
	"github.com/microsoftgraph/msgraph-sdk-go/applicationswithappid"
	"github.com/microsoftgraph/msgraph-sdk-go/applicationswithuniquename"
	"github.com/microsoftgraph/msgraph-sdk-go/directory"
	"github.com/microsoftgraph/msgraph-sdk-go/models"
)

// Application is an app registration.
type Application struct {
	ID                       string
	AppID                    string
	UniqueName               string
	DisplayName              string
	SignInAudience           string
	Notes                    string
	PublisherDomain          string
	IsFallbackPublicClient   *bool
	IdentifierURIs           []string
	WebRedirectURIs          []string
	PublicClientRedirectURIs []string
	SPARedirectURIs          []string
	Tags                     []string
	AppRoles                 []AppRole
	OAuth2PermissionScopes   []PermissionScope
	Info                     Info
	OptionalClaims           OptionalClaims
	RequiredResourceAccess   []RequiredResourceAccess
	PasswordCredentials      []PasswordCredential
	CreatedDateTime          time.Time
	// DeletedDateTime is set on an app read from deleted items.
	DeletedDateTime time.Time
}

// RequiredResourceAccess is the app's permissions on one API.
type RequiredResourceAccess struct {
	ResourceAppID string
	Access        []ResourceAccess
}

// ResourceAccess is one permission: Type "Role" (application) or "Scope"
// (delegated).
type ResourceAccess struct {
	ID   string
	Type string
}

// PasswordCredential is a client secret; SecretText is only ever set in
// AddPassword's result.
type PasswordCredential struct {
	KeyID         string
	DisplayName   string
	Hint          string
	SecretText    string
	StartDateTime time.Time
	EndDateTime   time.Time
}

// Info is what the consent screen links to (Graph informationalUrl). LogoURL
// is read-only: Graph sets it once a logo is uploaded with SetApplicationLogo.
type Info struct {
	MarketingURL, PrivacyStatementURL, TermsOfServiceURL, SupportURL string
	LogoURL                                                          string
}

// OptionalClaims are the claims the app asks to be added to its tokens
// (Graph optionalClaims).
type OptionalClaims struct {
	IDToken, AccessToken, SAML2Token []OptionalClaim
}

// IsZero reports whether no token has an optional claim.
func (o OptionalClaims) IsZero() bool {
	return len(o.IDToken) == 0 && len(o.AccessToken) == 0 && len(o.SAML2Token) == 0
}

// OptionalClaim is one claim of one token type.
type OptionalClaim struct {
	Name, Source         string
	Essential            bool
	AdditionalProperties []string
}

// ApplicationPatch holds the properties to change; nil means unchanged.
type ApplicationPatch struct {
	DisplayName              *string
	SignInAudience           *string
	Notes                    *string
	IsFallbackPublicClient   *bool
	IdentifierURIs           *[]string
	WebRedirectURIs          *[]string
	PublicClientRedirectURIs *[]string
	SPARedirectURIs          *[]string
	AppRoles                 *[]AppRole
	OAuth2PermissionScopes   *[]PermissionScope
	Info                     *Info
	OptionalClaims           *OptionalClaims
	Tags                     *[]string
}

func (c *Client) apps() *applications.ApplicationsRequestBuilder {
	return applications.NewApplicationsRequestBuilderInternal(c.base, c.adapter)
}

func toModel(p ApplicationPatch) models.Applicationable {
	m := models.NewApplication()
	if p.DisplayName != nil {
		m.SetDisplayName(p.DisplayName)
	}
	if p.SignInAudience != nil {
		m.SetSignInAudience(p.SignInAudience)
	}
	if p.Notes != nil {
		m.SetNotes(p.Notes)
	}
	if p.IsFallbackPublicClient != nil {
		m.SetIsFallbackPublicClient(p.IsFallbackPublicClient)
	}
	if p.IdentifierURIs != nil {
		m.SetIdentifierUris(nonNil(*p.IdentifierURIs))
	}
	if p.Tags != nil {
		m.SetTags(nonNil(*p.Tags))
	}
	if p.WebRedirectURIs != nil {
		w := models.NewWebApplication()
		w.SetRedirectUris(nonNil(*p.WebRedirectURIs))
		m.SetWeb(w)
	}
	if p.PublicClientRedirectURIs != nil {
		pc := models.NewPublicClientApplication()
		pc.SetRedirectUris(nonNil(*p.PublicClientRedirectURIs))
		m.SetPublicClient(pc)
	}
	if p.SPARedirectURIs != nil {
		spa := models.NewSpaApplication()
		spa.SetRedirectUris(nonNil(*p.SPARedirectURIs))
		m.SetSpa(spa)
	}
	if p.OAuth2PermissionScopes != nil {
		// Only the scopes are sent: the api object's other properties stay
		// as they are.
		scopes := []models.PermissionScopeable{}
		for _, sc := range *p.OAuth2PermissionScopes {
			scopes = append(scopes, toPermissionScope(sc))
		}
		api := models.NewApiApplication()
		api.SetOauth2PermissionScopes(scopes)
		m.SetApi(api)
	}
	if p.Info != nil {
		info := models.NewInformationalUrl()
		info.SetMarketingUrl(emptyNil(p.Info.MarketingURL))
		info.SetPrivacyStatementUrl(emptyNil(p.Info.PrivacyStatementURL))
		info.SetTermsOfServiceUrl(emptyNil(p.Info.TermsOfServiceURL))
		info.SetSupportUrl(emptyNil(p.Info.SupportURL))
		m.SetInfo(info)
	}
	if p.OptionalClaims != nil {
		oc := models.NewOptionalClaims()
		oc.SetIdToken(toOptionalClaims(p.OptionalClaims.IDToken))
		oc.SetAccessToken(toOptionalClaims(p.OptionalClaims.AccessToken))
		oc.SetSaml2Token(toOptionalClaims(p.OptionalClaims.SAML2Token))
		m.SetOptionalClaims(oc)
	}
	if p.AppRoles != nil {
		roles := []models.AppRoleable{}
		for _, r := range *p.AppRoles {
			mr := models.NewAppRole()
			if id, err := uuid.Parse(r.ID); err == nil {
				mr.SetId(&id)
			}
			mr.SetValue(&r.Value)
			mr.SetDisplayName(&r.DisplayName)
			mr.SetDescription(&r.Description)
			mr.SetAllowedMemberTypes(nonNil(r.AllowedMemberTypes))
			mr.SetIsEnabled(&r.IsEnabled)
			roles = append(roles, mr)
		}
		m.SetAppRoles(roles)
	}
	return m
}

func toPermissionScope(sc PermissionScope) models.PermissionScopeable {
	ms := models.NewPermissionScope()
	if id, err := uuid.Parse(sc.ID); err == nil {
		ms.SetId(&id)
	}
	ms.SetValue(ptr(sc.Value))
	ms.SetTypeEscaped(ptr(sc.Type))
	ms.SetAdminConsentDisplayName(ptr(sc.AdminConsentDisplayName))
	ms.SetAdminConsentDescription(ptr(sc.AdminConsentDescription))
	ms.SetUserConsentDisplayName(emptyNil(sc.UserConsentDisplayName))
	ms.SetUserConsentDescription(emptyNil(sc.UserConsentDescription))
	ms.SetIsEnabled(ptr(sc.IsEnabled))
	return ms
}

func toOptionalClaims(claims []OptionalClaim) []models.OptionalClaimable {
	out := []models.OptionalClaimable{}
	for _, c := range claims {
		mc := models.NewOptionalClaim()
		mc.SetName(ptr(c.Name))
		mc.SetSource(emptyNil(c.Source))
		mc.SetEssential(ptr(c.Essential))
		mc.SetAdditionalProperties(nonNil(c.AdditionalProperties))
		out = append(out, mc)
	}
	return out
}

func fromOptionalClaims(claims []models.OptionalClaimable) []OptionalClaim {
	var out []OptionalClaim
	for _, c := range claims {
		out = append(out, OptionalClaim{Name: str(c.GetName()), Source: str(c.GetSource()), Essential: c.GetEssential() != nil && *c.GetEssential(),
			AdditionalProperties: c.GetAdditionalProperties()})
	}
	return out
}

// emptyNil is nil for "", which Graph stores as null.
func emptyNil(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func nonNil(v []string) []string {
	if v == nil {
		return []string{}
	}
	return v
}

func fromModel(m models.Applicationable) Application {
	a := Application{
		ID: str(m.GetId()), AppID: str(m.GetAppId()), UniqueName: str(m.GetUniqueName()), DisplayName: str(m.GetDisplayName()),
		SignInAudience: str(m.GetSignInAudience()), Notes: str(m.GetNotes()), PublisherDomain: str(m.GetPublisherDomain()),
		IsFallbackPublicClient: m.GetIsFallbackPublicClient(), IdentifierURIs: m.GetIdentifierUris(), Tags: m.GetTags(),
	}
	if t := m.GetCreatedDateTime(); t != nil {
		a.CreatedDateTime = *t
	}
	if t := m.GetDeletedDateTime(); t != nil {
		a.DeletedDateTime = t.UTC()
	}
	if w := m.GetWeb(); w != nil {
		a.WebRedirectURIs = w.GetRedirectUris()
	}
	if pc := m.GetPublicClient(); pc != nil {
		a.PublicClientRedirectURIs = pc.GetRedirectUris()
	}
	if spa := m.GetSpa(); spa != nil {
		a.SPARedirectURIs = spa.GetRedirectUris()
	}
	for _, r := range m.GetAppRoles() {
		a.AppRoles = append(a.AppRoles, fromAppRole(r))
	}
	if api := m.GetApi(); api != nil {
		for _, sc := range api.GetOauth2PermissionScopes() {
			a.OAuth2PermissionScopes = append(a.OAuth2PermissionScopes, fromPermissionScope(sc))
		}
	}
	if info := m.GetInfo(); info != nil {
		a.Info = Info{MarketingURL: str(info.GetMarketingUrl()), PrivacyStatementURL: str(info.GetPrivacyStatementUrl()),
			TermsOfServiceURL: str(info.GetTermsOfServiceUrl()), SupportURL: str(info.GetSupportUrl()), LogoURL: str(info.GetLogoUrl())}
	}
	if oc := m.GetOptionalClaims(); oc != nil {
		a.OptionalClaims = OptionalClaims{IDToken: fromOptionalClaims(oc.GetIdToken()), AccessToken: fromOptionalClaims(oc.GetAccessToken()),
			SAML2Token: fromOptionalClaims(oc.GetSaml2Token())}
	}
	for _, r := range m.GetRequiredResourceAccess() {
		rra := RequiredResourceAccess{ResourceAppID: str(r.GetResourceAppId())}
		for _, ra := range r.GetResourceAccess() {
			id := ""
			if ra.GetId() != nil {
				id = ra.GetId().String()
			}
			rra.Access = append(rra.Access, ResourceAccess{ID: id, Type: str(ra.GetTypeEscaped())})
		}
		a.RequiredResourceAccess = append(a.RequiredResourceAccess, rra)
	}
	for _, p := range m.GetPasswordCredentials() {
		a.PasswordCredentials = append(a.PasswordCredentials, fromPassword(p))
	}
	return a
}

func fromPassword(p models.PasswordCredentialable) PasswordCredential {
	pc := PasswordCredential{DisplayName: str(p.GetDisplayName()), Hint: str(p.GetHint()), SecretText: str(p.GetSecretText())}
	if p.GetKeyId() != nil {
		pc.KeyID = p.GetKeyId().String()
	}
	if p.GetStartDateTime() != nil {
		pc.StartDateTime = p.GetStartDateTime().UTC()
	}
	if p.GetEndDateTime() != nil {
		pc.EndDateTime = p.GetEndDateTime().UTC()
	}
	return pc
}

// UpsertApplication creates the app with this uniqueName, or updates the one
// that has it. A create retried after a timeout therefore never makes a
// second app. It reports whether the app was created.
func (c *Client) UpsertApplication(ctx context.Context, uniqueName string, p ApplicationPatch) (Application, bool, error) {
	defer c.forgetApps()
	h := abs.NewRequestHeaders()
	h.Add("Prefer", "create-if-missing")
	b := applicationswithuniquename.NewApplicationsWithUniqueNameRequestBuilderInternal(c.base, c.adapter, &uniqueName)
	m, err := b.Patch(ctx, toModel(p), &applicationswithuniquename.ApplicationsWithUniqueNameRequestBuilderPatchRequestConfiguration{Headers: h})
	if err != nil {
		return Application{}, false, wrap(err)
	}
	if m != nil {
		return fromModel(m), true, nil
	}
	var app Application
	err = c.retryWhile(ctx, IsNotFound, func() error {
		got, err := b.Get(ctx, nil)
		if err == nil {
			app = fromModel(got)
		}
		return wrap(err)
	})
	return app, false, err
}

// GetApplicationByUniqueName reads an app by its uniqueName alternate key.
func (c *Client) GetApplicationByUniqueName(ctx context.Context, uniqueName string) (Application, error) {
	m, err := applicationswithuniquename.NewApplicationsWithUniqueNameRequestBuilderInternal(c.base, c.adapter, &uniqueName).Get(ctx, nil)
	if err != nil {
		return Application{}, wrap(err)
	}
	return fromModel(m), nil
}

func (c *Client) deletedItems() *directory.DeletedItemsRequestBuilder {
	return directory.NewDirectoryRequestBuilderInternal(c.base, c.adapter).DeletedItems()
}

// errNotAnApplication is a deleted item that is some other kind of object.
var errNotAnApplication = errors.New("the deleted item is not an application")

// GetDeletedApplication reads an app in directory/deletedItems (soft
// deleted, restorable for 30 days); IsNotFound when it is not there.
func (c *Client) GetDeletedApplication(ctx context.Context, objectID string) (Application, error) {
	m, err := c.deletedItems().ByDirectoryObjectId(objectID).Get(ctx, nil)
	if err != nil {
		return Application{}, wrap(err)
	}
	app, ok := m.(models.Applicationable)
	if !ok {
		return Application{}, errNotAnApplication
	}
	return fromModel(app), nil
}

// RestoreApplication brings a soft-deleted app back with its object ID and
// client ID, so consent given to it in customer tenants still holds. Its
// service principal in the home tenant does not come back with it.
func (c *Client) RestoreApplication(ctx context.Context, objectID string) (Application, error) {
	defer c.forgetApps()
	// A repeat after a lost answer is a 404 (no longer deleted): the app
	// is live again, which is what was asked.
	m, err := c.deletedItems().ByDirectoryObjectId(objectID).Restore().Post(markRepeatable(ctx), nil)
	if IsNotFound(wrap(err)) {
		if app, gerr := c.GetApplication(ctx, objectID); gerr == nil {
			return app, nil
		}
	}
	if err != nil {
		return Application{}, wrap(err)
	}
	app, ok := m.(models.Applicationable)
	if !ok {
		return Application{}, errNotAnApplication
	}
	return fromModel(app), nil
}

// GetApplication reads an app by object ID.
func (c *Client) GetApplication(ctx context.Context, objectID string) (Application, error) {
	m, err := c.apps().ByApplicationId(objectID).Get(ctx, nil)
	if err != nil {
		return Application{}, wrap(err)
	}
	return fromModel(m), nil
}

// WaitForApplication reads an app that was just created, waiting out
// replication (404) within ctx.
func (c *Client) WaitForApplication(ctx context.Context, objectID string) (Application, error) {
	var app Application
	err := c.retryWhile(ctx, IsNotFound, func() error {
		var err error
		app, err = c.GetApplication(ctx, objectID)
		return err
	})
	return app, err
}

// GetApplicationByAppID reads an app by client (application) ID.
// appRead is one read of an application by app ID, shared by concurrent
// callers.
type appRead struct {
	done chan struct{}
	app  Application
	err  error
}

// CachedApplicationByAppID is GetApplicationByAppID read once per client:
// a plan over many customer tenants of one app asks for its registration
// once, not once per tenant. Failed reads are not kept; any application
// write through this client forgets every cached read.
func (c *Client) CachedApplicationByAppID(ctx context.Context, appID string) (Application, error) {
	key := strings.ToLower(appID)
	c.appsMu.Lock()
	if c.appReads == nil {
		c.appReads = map[string]*appRead{}
	}
	r, ok := c.appReads[key]
	if !ok {
		r = &appRead{done: make(chan struct{})}
		c.appReads[key] = r
	}
	c.appsMu.Unlock()
	if ok {
		select {
		case <-r.done:
			if r.err == nil {
				return r.app, nil
			}
			// A failed read is someone else's error: read again.
			return c.GetApplicationByAppID(ctx, appID)
		case <-ctx.Done():
			return Application{}, ctx.Err()
		}
	}
	r.app, r.err = c.GetApplicationByAppID(ctx, appID)
	close(r.done)
	if r.err != nil {
		c.appsMu.Lock()
		if c.appReads[key] == r {
			delete(c.appReads, key)
		}
		c.appsMu.Unlock()
	}
	return r.app, r.err
}

// forgetApps drops the cached application reads after a write.
func (c *Client) forgetApps() {
	c.appsMu.Lock()
	c.appReads = nil
	c.appsMu.Unlock()
}

func (c *Client) GetApplicationByAppID(ctx context.Context, appID string) (Application, error) {
	m, err := applicationswithappid.NewApplicationsWithAppIdRequestBuilderInternal(c.base, c.adapter, &appID).Get(ctx, nil)
	if err != nil {
		return Application{}, wrap(err)
	}
	return fromModel(m), nil
}

// ListApplicationsByDisplayName lists apps with exactly this display name.
func (c *Client) ListApplicationsByDisplayName(ctx context.Context, name string) ([]Application, error) {
	filter := "displayName eq '" + strings.ReplaceAll(name, "'", "''") + "'"
	resp, err := c.apps().Get(ctx, &applications.ApplicationsRequestBuilderGetRequestConfiguration{
		QueryParameters: &applications.ApplicationsRequestBuilderGetQueryParameters{Filter: &filter}})
	if err != nil {
		return nil, wrap(err)
	}
	var out []Application
	for _, m := range resp.GetValue() {
		out = append(out, fromModel(m))
	}
	return out, nil
}

// UpdateApplication PATCHes only the properties set in p.
func (c *Client) UpdateApplication(ctx context.Context, objectID string, p ApplicationPatch) error {
	defer c.forgetApps()
	return c.retryWhile(ctx, IsNotFound, func() error {
		_, err := c.apps().ByApplicationId(objectID).Patch(ctx, toModel(p), nil)
		return wrap(err)
	})
}

// SetRequiredResourceAccess replaces the app's whole requiredResourceAccess
// (Graph replaces collections whole); callers merge under a per-app lock.
func (c *Client) SetRequiredResourceAccess(ctx context.Context, objectID string, rra []RequiredResourceAccess) error {
	defer c.forgetApps()
	m := models.NewApplication()
	list := []models.RequiredResourceAccessable{}
	for _, r := range rra {
		mr := models.NewRequiredResourceAccess()
		mr.SetResourceAppId(ptr(r.ResourceAppID))
		var access []models.ResourceAccessable
		for _, a := range r.Access {
			id, err := uuid.Parse(a.ID)
			if err != nil {
				return errors.New("permission ID " + a.ID + " is not a GUID")
			}
			ma := models.NewResourceAccess()
			ma.SetId(&id)
			ma.SetTypeEscaped(ptr(a.Type))
			access = append(access, ma)
		}
		mr.SetResourceAccess(access)
		list = append(list, mr)
	}
	m.SetRequiredResourceAccess(list)
	return c.retryWhile(ctx, IsNotFound, func() error {
		_, err := c.apps().ByApplicationId(objectID).Patch(ctx, m, nil)
		return wrap(err)
	})
}

// SetApplicationLogo uploads the app's logo, the image the consent screen
// shows: PUT /applications/{id}/logo with the raw bytes and the image's
// Content-Type (image/png, image/jpeg or image/gif). Graph then sets the
// read-only info.logoUrl. The SDK labels the body application/octet-stream,
// so the header is replaced with the image's type.
// https://learn.microsoft.com/en-us/graph/api/resources/application
func (c *Client) SetApplicationLogo(ctx context.Context, objectID, contentType string, image []byte) error {
	defer c.forgetApps()
	b := c.apps().ByApplicationId(objectID).Logo()
	return c.retryWhile(ctx, IsNotFound, func() error {
		ri, err := b.ToPutRequestInformation(ctx, image, nil)
		if err != nil {
			return err
		}
		ri.Headers.Remove("Content-Type")
		ri.Headers.Add("Content-Type", contentType)
		return wrap(c.adapter.SendNoContent(ctx, ri, odataErrors))
	})
}

// DeleteApplication deletes an app; a missing app is not an error.
func (c *Client) DeleteApplication(ctx context.Context, objectID string) error {
	defer c.forgetApps()
	err := wrap(c.apps().ByApplicationId(objectID).Delete(ctx, nil))
	if IsNotFound(err) {
		return nil
	}
	return err
}

// AddPassword adds a client secret. addPassword is not idempotent, so it is
// never blindly retried after an ambiguous failure: the caller can look for
// the secret by display name and dates before trying again.
func (c *Client) AddPassword(ctx context.Context, objectID string, p PasswordCredential) (PasswordCredential, error) {
	defer c.forgetApps()
	body := applications.NewItemAddPasswordPostRequestBody()
	pc := models.NewPasswordCredential()
	if p.DisplayName != "" {
		pc.SetDisplayName(ptr(p.DisplayName))
	}
	if !p.StartDateTime.IsZero() {
		pc.SetStartDateTime(ptr(p.StartDateTime))
	}
	if !p.EndDateTime.IsZero() {
		pc.SetEndDateTime(ptr(p.EndDateTime))
	}
	body.SetPasswordCredential(pc)
	var out PasswordCredential
	err := c.retryWhile(ctx, IsNotFound, func() error {
		m, err := c.apps().ByApplicationId(objectID).AddPassword().Post(ctx, body, nil)
		if err == nil {
			out = fromPassword(m)
		}
		return wrap(err)
	})
	return out, err
}

// RemovePassword removes a client secret; an already removed one is fine.
func (c *Client) RemovePassword(ctx context.Context, objectID, keyID string) error {
	defer c.forgetApps()
	id, err := uuid.Parse(keyID)
	if err != nil {
		return errors.New("key ID " + keyID + " is not a GUID")
	}
	body := applications.NewItemRemovePasswordPostRequestBody()
	body.SetKeyId(&id)
	// A repeat after a lost answer is a 404: removed, as asked.
	err = wrap(c.apps().ByApplicationId(objectID).RemovePassword().Post(markRepeatable(ctx), body, nil))
	if IsNotFound(err) {
		return nil
	}
	return err
}

// ListOwnerIDs lists the object IDs of the app's owners (users and service
// principals), lower case (application-list-owners).
func (c *Client) ListOwnerIDs(ctx context.Context, objectID string) ([]string, error) {
	b := c.apps().ByApplicationId(objectID).Owners()
	resp, err := b.Get(ctx, nil)
	var out []string
	for err == nil {
		for _, o := range resp.GetValue() {
			out = append(out, strings.ToLower(str(o.GetId())))
		}
		next := resp.GetOdataNextLink()
		if next == nil || *next == "" {
			return out, nil
		}
		resp, err = b.WithUrl(*next).Get(ctx, nil)
	}
	return nil, wrap(err)
}

// AddOwner makes a user or service principal an owner of the app
// (POST /applications/{id}/owners/$ref, application-post-owners).
func (c *Client) AddOwner(ctx context.Context, objectID, ownerID string) error {
	body := models.NewReferenceCreate()
	body.SetOdataId(ptr(c.adapter.GetBaseUrl() + "/directoryObjects/" + ownerID))
	return c.retryWhile(ctx, IsNotFound, func() error {
		return wrap(c.apps().ByApplicationId(objectID).Owners().Ref().Post(ctx, body, nil))
	})
}

// RemoveOwner removes one owner; one already gone is fine
// (DELETE /applications/{id}/owners/{ownerId}/$ref, application-delete-owners).
func (c *Client) RemoveOwner(ctx context.Context, objectID, ownerID string) error {
	err := wrap(c.apps().ByApplicationId(objectID).Owners().ByDirectoryObjectId(ownerID).Ref().Delete(ctx, nil))
	if IsNotFound(err) {
		return nil
	}
	return err
}
