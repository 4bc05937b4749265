package control

import "time"

// FederatedTokenRequest asks the emulator, playing an external identity
// provider, for a token a workload would present as a federated credential
// (POST /_emulator/oidc/token).
type FederatedTokenRequest struct {
	// Issuer defaults to the emulator's test issuer, <origin>/_emulator/oidc;
	// any other (https://token.actions.githubusercontent.com, a cluster's
	// issuer URL) is played by the emulator too.
	Issuer  string `json:"issuer,omitempty"`
	Subject string `json:"subject"`
	// Audience defaults to api://AzureADTokenExchange.
	Audience string `json:"audience,omitempty"`
	// Lifetime is a Go duration (default 10m); the token is valid from now by
	// real time, as a workload's clock would stamp it.
	Lifetime string `json:"lifetime,omitempty"`
}

// FederatedToken is the minted token; value is the field GitHub Actions'
// token request URL answers with too.
type FederatedToken struct {
	Value     string    `json:"value"`
	Issuer    string    `json:"issuer"`
	ExpiresOn time.Time `json:"expiresOn"`
}
