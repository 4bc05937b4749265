package onboarding

import (
	"encoding/base64"
	"strings"
	"testing"
)

func TestDecodeLogo(t *testing.T) {
	b64 := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	big := "\x89PNG\r\n\x1a\n" + strings.Repeat("x", MaxLogoBytes)
	for _, tc := range []struct {
		name, in, wantType, wantMsg string
	}{
		{"png", b64("\x89PNG\r\n\x1a\nrest"), "image/png", ""},
		{"jpeg", b64("\xFF\xD8\xFF\xE0rest"), "image/jpeg", ""},
		{"gif87", b64("GIF87a..."), "image/gif", ""},
		{"gif89", b64("GIF89a..."), "image/gif", ""},
		{"at the limit", b64(big[:MaxLogoBytes]), "image/png", ""},
		{"over the limit", b64(big), "", "at most 100 KB"},
		{"not base64", "not base64!", "", "must be base64"},
		{"empty", "", "", "must not be empty"},
		{"text", b64("hello, world"), "", "must be a PNG, JPEG or GIF"},
		{"svg", b64("<svg xmlns='http://www.w3.org/2000/svg'/>"), "", "must be a PNG, JPEG or GIF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			img, ct, msg := DecodeLogo(tc.in)
			if ct != tc.wantType || !strings.Contains(msg, tc.wantMsg) || (tc.wantMsg == "") != (msg == "") {
				t.Fatalf("DecodeLogo = %q, %q; want %q, message containing %q", ct, msg, tc.wantType, tc.wantMsg)
			}
			if msg == "" && base64.StdEncoding.EncodeToString(img) != tc.in {
				t.Fatalf("decoded bytes differ from the input")
			}
			if msg != "" && !strings.Contains(msg, `filebase64("logo.png")`) {
				t.Fatalf("message %q has no example", msg)
			}
		})
	}
}
