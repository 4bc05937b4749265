package onboarding

import (
	"bytes"
	"encoding/base64"
	"strconv"
	"strings"
)

// MaxLogoBytes is the largest logo the app registration portal takes
// ("100 KB max", Branding & properties).
// https://learn.microsoft.com/entra/identity-platform/howto-add-branding-in-apps
const MaxLogoBytes = 100 * 1024

// logoExample is how a configuration reads a logo file.
const logoExample = `e.g. logo_image = filebase64("logo.png")`

// DecodeLogo decodes a base64 logo_image and names its image type by its
// magic bytes: image/png, image/jpeg or image/gif, the types Graph takes for
// PUT /applications/{id}/logo. msg says what is wrong, "" when nothing is.
func DecodeLogo(b64 string) (image []byte, contentType, msg string) {
	image, err := base64.StdEncoding.DecodeString(strings.TrimSpace(b64))
	if err != nil {
		return nil, "", "must be base64 (standard alphabet, padded), " + logoExample
	}
	switch {
	case len(image) == 0:
		return nil, "", "must not be empty, " + logoExample
	case bytes.HasPrefix(image, []byte("\x89PNG\r\n\x1a\n")):
		contentType = "image/png"
	case bytes.HasPrefix(image, []byte{0xFF, 0xD8, 0xFF}):
		contentType = "image/jpeg"
	case bytes.HasPrefix(image, []byte("GIF87a")), bytes.HasPrefix(image, []byte("GIF89a")):
		contentType = "image/gif"
	default:
		return nil, "", "must be a PNG, JPEG or GIF image (checked by its first bytes), " + logoExample
	}
	if len(image) > MaxLogoBytes {
		return nil, "", "is " + strconv.Itoa(len(image)) + " bytes; Entra takes a logo of at most 100 KB (" + strconv.Itoa(MaxLogoBytes) + " bytes), " + logoExample
	}
	return image, contentType, ""
}

// CheckLogoImage is DecodeLogo's verdict alone, for plan-time validation.
func CheckLogoImage(b64 string) string {
	_, _, msg := DecodeLogo(b64)
	return msg
}
