//go:build tools

// Package tools pins modules that the build uses only through `go run`
// (tfplugindocs), so `go mod tidy` keeps them in go.mod.
package tools

import (
	_ "github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs"
	_ "github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	_ "github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	_ "github.com/hashicorp/terraform-plugin-testing/helper/resource"
	_ "github.com/microsoft/kiota-abstractions-go"
	_ "github.com/microsoft/kiota-http-go"
	_ "github.com/microsoft/kiota-serialization-json-go"
	_ "github.com/microsoftgraph/msgraph-sdk-go-core"
	_ "github.com/microsoftgraph/msgraph-sdk-go/applications"
	_ "github.com/microsoftgraph/msgraph-sdk-go/serviceprincipals"
)
