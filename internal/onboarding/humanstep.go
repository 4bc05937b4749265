package onboarding

import (
	"fmt"
	"strings"
	"time"
)

// The wording of what a person must do lives here, beside the decisions
// that call for it, so a plan, an apply and the sync say it the same way.

// TenantLabel names a customer tenant in messages: its company name (the
// configuration's label) or display name (Entra's), then its ID.
func TenantLabel(tenantID, companyName, displayName string) string {
	switch {
	case companyName != "":
		return companyName + " (" + tenantID + ")"
	case displayName != "":
		return displayName + " (" + tenantID + ")"
	}
	return tenantID
}

// ConsentStep says what a person must do when the provider cannot grant
// consent: nothing beyond apply in the home tenant, else an administrator
// of the tenant opens the admin consent URL.
func ConsentStep(grantor Grantor, consentURL, adminEmail string) string {
	if grantor == GrantByAutomation {
		return "terraform apply grants it with the provider's automation identity (which needs AppRoleAssignment.ReadWrite.All and DelegatedPermissionGrant.ReadWrite.All)."
	}
	who := "a Global Administrator or Cloud Application Administrator of the tenant"
	if adminEmail != "" {
		who += " (" + adminEmail + ")"
	}
	return "Send this URL to " + who + ":\n\n  " + consentURL + "\n\n" +
		"A Dynamics 365 Administrator cannot grant it; granting Microsoft Graph application permissions needs Global Administrator or Privileged Role Administrator. " +
		"The next plan shows the tenant as onboarded once they have consented."
}

// ConsentNeededSummary is the summary of every customer's consent warning,
// at plan and at apply. It is the same for all customers, so Terraform
// shows 500 customers' warnings as one ("and 499 more similar warnings
// elsewhere") instead of burying the warnings that matter; the tenant is
// in the detail.
const ConsentNeededSummary = "Admin consent needed"

// ConsentPlanWarning is plan's warning for a tenant whose consent is not
// complete.
func ConsentPlanWarning(state ConsentState, tenant, clientID string, missing []string, step string) (summary, detail string) {
	return ConsentNeededSummary,
		fmt.Sprintf("%s: consent %s. App %s lacks consent for: %s.\n\n%s", tenant, state, clientID, strings.Join(missing, ", "), step)
}

// ConsentApplyWarning is apply's warning when a human step remains;
// partnerReason, when not empty, says why the partner credential could not
// grant it (one sentence).
func ConsentApplyWarning(tenant, clientID string, missing []string, partnerReason, step string) (summary, detail string) {
	detail = fmt.Sprintf("%s: app %s is not fully consented (missing: %s).", tenant, clientID, strings.Join(missing, ", "))
	if partnerReason != "" {
		detail += " The partner credential could not grant it: " + Sentence(partnerReason)
	}
	return ConsentNeededSummary, detail + "\n\n" + step
}

// Sentence ends s with exactly one full stop: error texts that already end
// in one (Microsoft's do) are not given a second.
func Sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") || strings.HasSuffix(s, ")") && strings.HasSuffix(strings.TrimSuffix(s, ")"), ".") {
		return s
	}
	return s + "."
}

// ConsentNotReadYet is the refresh's warning for a tenant it has no
// credential for yet (an import holds no client_secret).
func ConsentNotReadYet(tenant, tenantID, clientID string) (summary, detail string) {
	return "Consent not read yet",
		tenant + ": the provider reads consent in tenant " + tenantID + " by signing in as app " + clientID + ", and this state holds no client_secret (an imported resource has none). " +
			"Set client_secret in the configuration: the next apply stores it and reads the consent. consent_state is \"unknown\" until then."
}

// ConsentNeedsSecret is the error for a tenant the provider has no way to
// read consent in.
func ConsentNeedsSecret(tenantID, clientID string) (summary, detail string) {
	return "No way to read consent in this tenant",
		"To see what is consented in tenant " + tenantID + ", the provider signs in there as the app itself: set client_secret to a secret of app " + clientID +
			" (for example onboard_client_secret.<name>.value)."
}

// RedirectNotRegistered is the warning for a redirect_uri the app lacks.
func RedirectNotRegistered(redirectURI, clientID string, appURIs []string) (summary, detail string) {
	return "Redirect URI not registered on the app",
		fmt.Sprintf("%q is not one of the web redirect URIs of app %s (%s), so the consent URL ends in AADSTS50011 after the administrator signs in. "+
			"Add it to the app's web_redirect_uris, or set redirect_uri to one of those.", redirectURI, clientID, strings.Join(appURIs, ", "))
}

// CardStep is the human step of a Business Central environment app:
// Microsoft has no API that creates the "Microsoft Entra Applications"
// card. The app's user must hold D365 AUTOMATION, or it cannot manage its
// own permission sets afterwards.
func CardStep(tenantID, environment, clientID, description string) string {
	return fmt.Sprintf("Business Central has no API that creates the \"Microsoft Entra Applications\" card, so a person does it once:\n\n"+
		"  1. Open https://businesscentral.dynamics.com/%s/%s and search for \"Microsoft Entra Applications\".\n"+
		"  2. Choose New; Client ID: %s; Description: %s (exactly; the provider finds the app's user by it).\n"+
		"  3. Under User Permission Sets, add D365 AUTOMATION: the app manages its own permission sets through the automation API and needs it for that.\n"+
		"  4. Set State to Enabled and grant consent if asked.\n\n"+
		"This needs a Business Central user with the SUPER permission set or the security administrator role in that environment. Then run apply again.",
		tenantID, environment, clientID, description)
}

// CardMissingError is apply's error when the card is not there (or shuts
// the app out); said is what Business Central answered.
func CardMissingError(tenantID, environment, clientID, description, said string) (summary, detail string) {
	return "The app is not registered in Business Central environment " + environment, CardStep(tenantID, environment, clientID, description) +
		"\n\n(If the card exists and is enabled, check the environment name and that the app has admin consent for Business Central " +
		"Automation.ReadWrite.All in this tenant. Business Central said: " + said + ")"
}

// CardPermissionStep is added to Business Central's refusal to assign a
// permission set when the app's user lacks D365 AUTOMATION.
func CardPermissionStep(clientID string) string {
	return "\n\nThe app's own user cannot assign permission sets: in Business Central, open the \"Microsoft Entra Applications\" card of client ID " +
		clientID + " and add the D365 AUTOMATION permission set under User Permission Sets, then run apply again."
}

// SecretWarning is plan's warning for a secret at or past its rotation
// point. appName names the app as well as it is known.
func SecretWarning(p SecretPlan, displayName, keyID, appName string, end time.Time, rotateBefore string) (summary, detail string) {
	verb := "expires"
	if p.Expired {
		verb = "expired"
	}
	what := fmt.Sprintf("Client secret %q (key ID %s) of app %s %s on %s", displayName, keyID, appName, verb, end.Format(time.RFC3339))
	if p.Action == SecretWarn {
		return "Client secret expiring", what + ". Its end_date is fixed, so it cannot be rotated automatically: set lifetime instead of end_date, or change end_date."
	}
	return "Client secret will be rotated", what + ", within rotate_before (" + rotateBefore + "): it will be replaced by a new secret. " +
		"Update every system that uses it from the new value."
}

// OverlapNote is added to the rotation warning when the previous secret
// stays valid beside the new one.
func OverlapNote(keyID string, removeAfter time.Time) string {
	return fmt.Sprintf(" The previous secret (key ID %s) stays valid until about %s (keep_previous_for, counted from the apply): resources in this configuration switch to the new one "+
		"in the same apply, other systems have until then; the first apply after that removes it.", keyID, removeAfter.Format(time.RFC3339))
}

// PreviousRemovalWarning says that plan removes a rotated secret whose
// overlap has ended.
func PreviousRemovalWarning(displayName, keyID, appName string, removeAfter time.Time) (summary, detail string) {
	return "Previous client secret will be removed",
		fmt.Sprintf("The secret %q (key ID %s) of app %s, replaced by a rotation, was kept until %s (keep_previous_for); this apply removes it. "+
			"Anything still signing in with it stops working then.", displayName, keyID, appName, removeAfter.Format(time.RFC3339))
}

// RelationshipWarning is the warning for a GDAP relationship close to its
// end.
func RelationshipWarning(name, customer, tenantID string, end time.Time, days float64) (summary, detail string) {
	return "GDAP relationship ending soon",
		fmt.Sprintf("The GDAP relationship %q with %s (%s) ends on %s, in %.0f days; renew it in Partner Center or onboarding there stops working.",
			name, customer, tenantID, end.Format(time.RFC3339), days)
}

// AppExistsError is the create that would take over an app this resource
// did not create: the fix is an import block, written out, or a unique
// name of its own.
func AppExistsError(uniqueName, objectID, clientID, displayName string, claim Claim) (summary, detail string) {
	who := "It was not created by this provider (it has no ownership marker), for example it was made in the Entra admin center or by another tool."
	if claim == ClaimRefuseOwned {
		who = "Another onboard configuration (or another onboard_entra_app resource) created it and manages it."
	}
	return "App registration already exists",
		fmt.Sprintf("An app registration with unique name %q already exists in the home tenant: %q, object ID %s, client ID %s. %s "+
			"This resource does not take it over: changing it would change that app for everyone who uses it, and destroying it would delete it "+
			"and every customer's consent.\n\n"+
			"To manage that app from this configuration deliberately, import it (it becomes owned by this configuration):\n\n"+
			"import {\n  to = onboard_entra_app.<name>\n  id = %q\n}\n\n"+
			"To create a separate app instead, give this resource its own unique_name.", uniqueName, displayName, objectID, clientID, who, objectID)
}

// AppDeletedWarning is what plan says about an app registration deleted
// outside Terraform. restorable: it is still in deleted items (until
// purgeAt); restore: apply restores it rather than creating a new one.
func AppDeletedWarning(displayName, clientID string, restorable, restore bool, purgeAt time.Time) (summary, detail string) {
	app := fmt.Sprintf("App registration %q (client ID %s)", displayName, clientID)
	switch {
	case restorable && restore:
		return "App registration deleted outside Terraform: apply restores it",
			fmt.Sprintf("%s was deleted outside Terraform and is in the home tenant's deleted items until %s. Apply restores it with the same "+
				"client ID, so every customer tenant's consent stays valid; its service principal in the home tenant is created again. "+
				"Set restore_soft_deleted = false to create a new app instead.", app, purgeAt.UTC().Format(time.RFC3339))
	case restorable:
		return "App registration deleted outside Terraform: apply creates a new one",
			fmt.Sprintf("%s was deleted outside Terraform; it is in the home tenant's deleted items until %s, but restore_soft_deleted is false, "+
				"so apply creates a new app with a new client ID. %s", app, purgeAt.UTC().Format(time.RFC3339), consentAgain(clientID))
	default:
		return "App registration deleted permanently: apply creates a new one",
			fmt.Sprintf("%s was deleted outside Terraform and is no longer in the home tenant's deleted items, so it cannot be restored. "+
				"Apply creates a new app with a new client ID. %s", app, consentAgain(clientID))
	}
}

func consentAgain(clientID string) string {
	return "Every customer tenant must consent again to the new app: each onboard_customer_tenant with client_id " + clientID +
		" plans it, and warns with its tenant's name."
}

// CustomerAppMissing is the warning of a customer tenant whose app is no
// longer registered in the home tenant: the refresh keeps its state and
// says which tenant is affected instead of failing the plan.
func CustomerAppMissing(tenant, clientID, homeTenantID string) (summary, detail string) {
	return "App not registered in the home tenant",
		fmt.Sprintf("No app with client ID %s is registered in home tenant %s any more, so consent in %s cannot be read. "+
			"If the app is restored from deleted items (onboard_entra_app does this on apply unless restore_soft_deleted is false), "+
			"the consent given in %s still holds. If a new app replaces it, %s's administrator must consent again: point client_id at the new app.",
			clientID, homeTenantID, tenant, tenant, tenant)
}

// CertificateWarning is plan's warning for a certificate credential within
// rotate_before of its end date (or past it): a generated one is replaced,
// an uploaded one can only be replaced by the next upload.
func CertificateWarning(p SecretPlan, displayName, thumbprint, app string, end time.Time, rotateBefore string) (summary, detail string) {
	verb := "expires"
	if p.Expired {
		verb = "expired"
	}
	what := fmt.Sprintf("Certificate %q (thumbprint %s) of app %s %s on %s", displayName, thumbprint, app, verb, end.Format(time.RFC3339))
	if p.Action == SecretWarn {
		return "Certificate expiring", what + ". It was uploaded, so the provider cannot renew it: create the next certificate, set certificate to it " +
			"(with create_before_destroy the old one stays until the new one is added), and move the app's systems to it."
	}
	return "Certificate will be rotated", what + ", within rotate_before (" + rotateBefore + "): a new key pair and certificate replace it. " +
		"Every system that signs in with it must take the new certificate_pem and private_key_pem."
}
