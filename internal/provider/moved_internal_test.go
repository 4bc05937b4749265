package provider

import "testing"

// azuread v2 and v3 write the app's object ID differently.
func TestObjectIDFromAzureadForms(t *testing.T) {
	const id = "5b0e2b1c-7a3d-4f6e-9a1b-2c3d4e5f6a7b"
	for in, want := range map[string]string{
		"/applications/" + id:                  id, // v3
		"5B0E2B1C-7A3D-4F6E-9A1B-2C3D4E5F6A7B": id, // v2, any case
		"/applications/not-a-guid":             "",
		"":                                     "",
		"/servicePrincipals/" + id + "/x":      "",
	} {
		if got := objectID(in); got != want {
			t.Errorf("objectID(%q) = %q, want %q", in, got, want)
		}
	}
}
