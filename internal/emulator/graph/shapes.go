package graph

import (
	"maps"
)

// The documented shape of each entity the emulator serves: properties it
// does not model are answered as Graph answers them when unset (null, an
// empty collection, or the documented default), so that every property of
// the v1.0 reference is present. Sources: resources/application.md,
// resources/serviceprincipal.md, resources/organization.md and the
// create/get examples of each (cited in testdata/fidelity).

var applicationDefaults = map[string]any{
	"addIns": []any{}, "applicationTemplateId": nil, "certification": nil, "defaultRedirectUri": nil, "disabledByMicrosoftStatus": nil,
	"groupMembershipClaims": nil, "isDeviceOnlyAuthSupported": nil, "nativeAuthenticationApisEnabled": nil, "optionalClaims": nil,
	"parentalControlSettings":      map[string]any{"countriesBlockedForMinors": []any{}, "legalAgeGroupRule": "Allow"},
	"requestSignatureVerification": nil, "samlMetadataUrl": nil, "serviceManagementReference": nil,
	"servicePrincipalLockConfiguration": nil, "tokenEncryptionKeyId": nil,
	"verifiedPublisher": map[string]any{"displayName": nil, "verifiedPublisherId": nil, "addedDateTime": nil},
	"api":               map[string]any{"acceptMappedClaims": nil},
}

var servicePrincipalDefaults = map[string]any{
	"addIns": []any{}, "alternativeNames": []any{}, "appDescription": nil, "applicationTemplateId": nil, "description": nil,
	"disabledByMicrosoftStatus": nil, "endpoints": []any{}, "homepage": nil,
	"info":           map[string]any{"termsOfServiceUrl": nil, "supportUrl": nil, "privacyStatementUrl": nil, "marketingUrl": nil, "logoUrl": nil},
	"keyCredentials": []any{}, "loginUrl": nil, "logoutUrl": nil, "notes": nil, "notificationEmailAddresses": []any{},
	"passwordCredentials": []any{}, "preferredSingleSignOnMode": nil, "preferredTokenSigningKeyThumbprint": nil, "publisherName": nil,
	"replyUrls": []any{}, "resourceSpecificApplicationPermissions": []any{}, "samlSingleSignOnSettings": nil,
	"tokenEncryptionKeyId": nil,
	"verifiedPublisher":    map[string]any{"displayName": nil, "verifiedPublisherId": nil, "addedDateTime": nil},
}

var organizationDefaults = map[string]any{
	"assignedPlans": []any{}, "businessPhones": []any{}, "city": nil, "country": nil, "defaultUsageLocation": nil, "deletedDateTime": nil,
	"isMultipleDataLocationsForServicesEnabled": nil, "marketingNotificationEmails": []any{}, "onPremisesLastSyncDateTime": nil,
	"onPremisesSyncEnabled": nil, "partnerTenantType": nil, "postalCode": nil, "preferredLanguage": nil, "privacyProfile": nil,
	"provisionedPlans": []any{}, "securityComplianceNotificationMails": []any{}, "securityComplianceNotificationPhones": []any{},
	"state": nil, "street": nil, "technicalNotificationMails": []any{},
}

// documented fills in what m lacks of the documented defaults, one level
// into complex properties; what m has stays.
func documented(defaults, m map[string]any) map[string]any {
	for k, v := range defaults {
		have, ok := m[k]
		if !ok {
			if sub, isMap := v.(map[string]any); isMap {
				v = maps.Clone(sub)
			}
			m[k] = v
			continue
		}
		if sub, isMap := v.(map[string]any); isMap {
			if hm, ok := have.(map[string]any); ok {
				for sk, sv := range sub {
					if _, ok := hm[sk]; !ok {
						hm[sk] = sv
					}
				}
			}
		}
	}
	return m
}
