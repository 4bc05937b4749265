package bcadmin

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// The automation API of one environment (administration/api/dynamics_*.md):
// /v2.0/{tenantId}/{environment}/api/microsoft/automation/v2.0/...
// The tenant is always in the URL: app-only calls need it, and it keeps
// delegated calls in the tenant they were meant for.

// Company is a company of an environment.
type Company struct {
	ID                string `json:"id"`
	Name              string `json:"name"`
	DisplayName       string `json:"displayName"`
	BusinessProfileID string `json:"businessProfileId"`
	SystemVersion     string `json:"systemVersion"`
}

// User is a Business Central user (page 30004 "APIV2 - Aut. Users"). The
// automation API has no field for the license type or the Entra app ID.
type User struct {
	ETag           string `json:"@odata.etag"`
	UserSecurityID string `json:"userSecurityId"`
	UserName       string `json:"userName"`
	DisplayName    string `json:"displayName"`
	State          string `json:"state"` // Enabled | Disabled
	ExpiryDate     string `json:"expiryDate"`
	ContactEmail   string `json:"contactEmail"`
}

// UserPermission is a permission set assigned to a user (page 30059).
// Company "" means all companies.
type UserPermission struct {
	ETag           string `json:"@odata.etag"`
	ID             string `json:"id"`
	UserSecurityID string `json:"userSecurityId"`
	RoleID         string `json:"roleId"`
	DisplayName    string `json:"displayName"`
	Company        string `json:"company"`
	AppID          string `json:"appId"`
	ExtensionName  string `json:"extensionName"`
	Scope          string `json:"scope"` // System | Tenant
}

// PermissionSet is a permission set available in the environment (page 30005).
type PermissionSet struct {
	ID            string `json:"id"` // the role ID, e.g. "D365 AUTOMATION"
	DisplayName   string `json:"displayName"`
	AppID         string `json:"appId"`
	ExtensionName string `json:"extensionName"`
	Scope         string `json:"scope"`
}

func (c *Client) automationURL(tenantID, env, path string) string {
	return c.endpoint + "/v2.0/" + url.PathEscape(tenantID) + "/" + url.PathEscape(env) +
		"/api/microsoft/automation/v2.0/" + path
}

func companyPath(companyID string) string { return "companies(" + url.PathEscape(companyID) + ")" }

// list GETs an OData collection, following @odata.nextLink on the same
// origin (BC pages large collections).
func list[T any](ctx context.Context, c *Client, tenantID, u string) ([]T, error) {
	var all []T
	for u != "" {
		body, _, err := c.do(ctx, request{method: http.MethodGet, url: u, tenantID: tenantID, kind: anyCredential, idempotent: true})
		if err != nil {
			return nil, err
		}
		var page struct {
			Value    []T    `json:"value"`
			NextLink string `json:"@odata.nextLink"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			return nil, fmt.Errorf("bcadmin: %s: %w", redactPath(u), err)
		}
		all = append(all, page.Value...)
		u = ""
		if page.NextLink != "" && strings.HasPrefix(page.NextLink, c.endpoint+"/") {
			u = page.NextLink
		}
	}
	return all, nil
}

// ListCompanies lists the environment's companies.
func (c *Client) ListCompanies(ctx context.Context, tenantID, env string) ([]Company, error) {
	return list[Company](ctx, c, tenantID, c.automationURL(tenantID, env, "companies"))
}

// ListUsers lists the environment's users. Users are per environment, not
// per company; the company only anchors the URL.
func (c *Client) ListUsers(ctx context.Context, tenantID, env, companyID string) ([]User, error) {
	return list[User](ctx, c, tenantID, c.automationURL(tenantID, env, companyPath(companyID)+"/users"))
}

// AppUser is the user behind an Entra app's "Microsoft Entra Application"
// card, with the company used to reach it.
type AppUser struct {
	User
	CompanyID string
}

// FindAppUser finds the Business Central user that the "Microsoft Entra
// Application" card for an app created in env.
//
// How BC identifies it: enabling the card runs
// NavUserAccountHelper.CreateApplicationRegistration(Description, "Client Id")
// (table 9012 "AAD Application"), which creates a User whose "Application ID"
// is the client ID and whose "License Type" is Application, with the user
// name "named" after the description (the card asks "A user named
// <description> will be created"). The automation API's user entity (page
// 30004) exposes neither Application ID nor License Type, and no automation
// entity exposes the card. So the only handle is userName: the card's
// description in upper case (User Name is Code[50]). description must
// therefore be the description entered on the card; clientID only names the
// app in errors. ErrNotFound when no user has that name: the card doesn't
// exist or was never enabled.
func (c *Client) FindAppUser(ctx context.Context, tenantID, env, clientID, description string) (AppUser, error) {
	companies, err := c.ListCompanies(ctx, tenantID, env)
	if err != nil {
		return AppUser{}, err
	}
	if len(companies) == 0 {
		return AppUser{}, fmt.Errorf("bcadmin: environment %s of tenant %s has no company: %w", env, tenantID, ErrNotFound)
	}
	want := AppUserName(description)
	filter := "userName eq '" + strings.ReplaceAll(want, "'", "''") + "'"
	users, err := list[User](ctx, c, tenantID, c.automationURL(tenantID, env,
		companyPath(companies[0].ID)+"/users?$filter="+strings.ReplaceAll(url.QueryEscape(filter), "+", "%20")))
	if err != nil {
		return AppUser{}, err
	}
	for _, u := range users {
		if strings.EqualFold(u.UserName, want) {
			return AppUser{User: u, CompanyID: companies[0].ID}, nil
		}
	}
	return AppUser{}, fmt.Errorf("bcadmin: no user %q for app %s in environment %s of tenant %s (the Microsoft Entra Application card is missing or was never enabled): %w",
		want, clientID, env, tenantID, ErrNotFound)
}

// AppUserName is the user name BC gives the user of an Entra app card with
// this description: Code[50], so upper case and at most 50 characters.
func AppUserName(description string) string {
	n := strings.ToUpper(strings.TrimSpace(description))
	if r := []rune(n); len(r) > 50 {
		n = string(r[:50])
	}
	return n
}

// ListUserPermissions lists a user's permission sets.
func (c *Client) ListUserPermissions(ctx context.Context, tenantID, env, companyID, userID string) ([]UserPermission, error) {
	return list[UserPermission](ctx, c, tenantID,
		c.automationURL(tenantID, env, companyPath(companyID)+"/users("+url.PathEscape(userID)+")/userPermissions"))
}

// AddUserPermission assigns permission set roleID to a user, for one company
// (by name) or all companies (""). Errors: ErrAlreadyExists when assigned
// already; an *APIError with Code Internal_DataNotFoundFilter for an unknown
// permission set. Not retried on 5xx, so a lost answer cannot assign twice.
func (c *Client) AddUserPermission(ctx context.Context, tenantID, env, companyID, userID, roleID, company string) (UserPermission, error) {
	body, _, err := c.do(ctx, request{method: http.MethodPost,
		url:      c.automationURL(tenantID, env, companyPath(companyID)+"/users("+url.PathEscape(userID)+")/userPermissions"),
		tenantID: tenantID, kind: anyCredential,
		body: map[string]string{"roleId": roleID, "company": company}})
	if err != nil {
		return UserPermission{}, err
	}
	var p UserPermission
	if err := json.Unmarshal(body, &p); err != nil {
		return UserPermission{}, fmt.Errorf("bcadmin: userPermissions: %w", err)
	}
	return p, nil
}

// RemoveUserPermission deletes a user permission. etag is its @odata.etag
// (If-Match is required); "" sends "*". A permission that is already gone
// counts as removed.
func (c *Client) RemoveUserPermission(ctx context.Context, tenantID, env, companyID, userID, permissionID, etag string) error {
	if etag == "" {
		etag = "*"
	}
	_, _, err := c.do(ctx, request{method: http.MethodDelete,
		url: c.automationURL(tenantID, env, companyPath(companyID)+"/users("+url.PathEscape(userID)+")/userPermissions("+
			url.PathEscape(permissionID)+")"),
		tenantID: tenantID, kind: anyCredential, ifMatch: etag, idempotent: true})
	if isNotFound(err) {
		return nil
	}
	return err
}

// ListPermissionSets lists the permission sets of the environment.
func (c *Client) ListPermissionSets(ctx context.Context, tenantID, env, companyID string) ([]PermissionSet, error) {
	return list[PermissionSet](ctx, c, tenantID, c.automationURL(tenantID, env, companyPath(companyID)+"/permissionSets"))
}

// SetUserState enables or disables a user (PATCH users({id}), If-Match
// required; etag "" sends "*"). For an app's user this is the user record
// only: the "Microsoft Entra Application" card keeps its own State, which no
// API changes, and BC lets the app in only when both are Enabled.
func (c *Client) SetUserState(ctx context.Context, tenantID, env, companyID, userID, state, etag string) (User, error) {
	if etag == "" {
		etag = "*"
	}
	body, _, err := c.do(ctx, request{method: http.MethodPatch,
		url:      c.automationURL(tenantID, env, companyPath(companyID)+"/users("+url.PathEscape(userID)+")"),
		tenantID: tenantID, kind: anyCredential, ifMatch: etag, idempotent: true,
		body: map[string]string{"state": state}})
	if err != nil {
		return User{}, err
	}
	var u User
	if err := json.Unmarshal(body, &u); err != nil {
		return User{}, fmt.Errorf("bcadmin: users: %w", err)
	}
	return u, nil
}

// EnvironmentApp is what the automation API can tell about an Entra app
// inside one environment: its user (state) and its permission sets.
type EnvironmentApp struct {
	User        AppUser
	Permissions []UserPermission
}

// ReadEnvironmentApp reads the app's user and permission sets in env;
// ErrNotFound (from FindAppUser) when the "Microsoft Entra Application" card
// is missing or was never enabled: a person has to create it in the BC
// client, no API does.
func (c *Client) ReadEnvironmentApp(ctx context.Context, tenantID, env, clientID, description string) (EnvironmentApp, error) {
	u, err := c.FindAppUser(ctx, tenantID, env, clientID, description)
	if err != nil {
		return EnvironmentApp{}, err
	}
	perms, err := c.ListUserPermissions(ctx, tenantID, env, u.CompanyID, u.UserSecurityID)
	if err != nil {
		return EnvironmentApp{}, err
	}
	return EnvironmentApp{User: u, Permissions: perms}, nil
}
