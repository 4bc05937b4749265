package provider

import "testing"

func TestCheckEndpoint(t *testing.T) {
	for _, c := range []struct {
		url string
		ok  bool
	}{
		{"https://graph.microsoft.com", true},
		{"https://graph.microsoft.com/", true},
		{"HTTPS://login.microsoftonline.us", true},
		{"https://127.0.0.1:8443", true},
		{"http://127.0.0.1:8443", true},
		{"http://127.8.9.10", true},
		{"http://localhost:8080", true},
		{"http://LOCALHOST", true},
		{"http://[::1]:8443", true},
		{"http://graph.microsoft.com", false},
		{"http://10.0.0.5", false},
		{"http://[::2]", false},
		{"http://localhost.example.com", false},
		{"http://127.0.0.1.nip.io", false},
		{"ftp://graph.microsoft.com", false},
		{"graph.microsoft.com", false},
		{"https://", false},
		{"https://user:pass@graph.microsoft.com", false},
		{"https://graph.microsoft.com?x=1", false},
		{"", false},
	} {
		if got := checkEndpoint(c.url) == ""; got != c.ok {
			t.Errorf("checkEndpoint(%q) accepted %v, want %v (%s)", c.url, got, c.ok, checkEndpoint(c.url))
		}
	}
}
