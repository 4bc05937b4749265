package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/onboard-tf/terraform-provider-onboard/internal/session"
)

// The consumers that sign in as an onboarded app (onboard_customer_tenant,
// onboard_sync) take its certificate as well as its secret.

const clientCertificateDescription = "The app's certificate and private key, PEM (e.g. `\"${onboard_client_certificate.<name>.certificate_pem}${onboard_client_certificate.<name>.private_key_pem}\"`, " +
	"or `file(\"sync.pem\")`): the provider signs in as the app with a certificate-signed assertion instead of a secret. Conflicts with `client_secret`."

// clientCertificateAttribute is a consumer resource's client_certificate.
func clientCertificateAttribute() schema.StringAttribute {
	return schema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: clientCertificateDescription,
		Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("client_secret"))}}
}

// clientCertificateDataSourceAttribute is a data source's client_certificate.
func clientCertificateDataSourceAttribute() dsschema.StringAttribute {
	return dsschema.StringAttribute{Optional: true, Sensitive: true, MarkdownDescription: clientCertificateDescription,
		Validators: []validator.String{stringvalidator.ConflictsWith(path.MatchRoot("client_secret"))}}
}

// appCredential is the credential a consumer signs in as the app with: its
// client_secret or its client_certificate.
func appCredential(clientID, secret, certificate types.String) session.AppCredential {
	c := session.AppCredential{ClientID: clientID.ValueString(), Secret: secret.ValueString()}
	if v := certificate.ValueString(); v != "" {
		c.Certificate = []byte(v)
	}
	return c
}
