package onboarding

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"unicode"
)

// UniqueName is the default Graph uniqueName of an app called displayName,
// known at plan. The first rule kept only [a-z0-9] of the name, so every
// name in a non-Latin script became "onboard-app" and names that differ in
// an accent collided: two configurations then shared one app. Now:
//
//   - A plain Latin name (ASCII letters and digits, words separated by
//     spaces, '-', '_' or '.', up to 100 characters) keeps the first rule's
//     value, so the unique_name of existing apps does not change: "Contoso
//     Onboarding" is "onboard-contoso-onboarding".
//   - Any other name (the first rule also cut long names short, so they
//     collided) gets a readable part (accents folded, other scripts
//     dropped) and a hash of the whole name: "Café Team" is
//     "onboard-cafe-team-<hash>", "給与チーム" "onboard-<hash>".
//
// Letter case, surrounding spaces and the kind of separator between words
// do not count ("Contoso App", "contoso-app"); every other difference does.
func UniqueName(displayName string) string {
	key := nameKey(displayName)
	slug := slugOf(key)
	if plainLatin(key) && slug != "" && len(slug) <= maxSlug {
		return "onboard-" + slug
	}
	sum := sha256.Sum256([]byte(key))
	hash := hex.EncodeToString(sum[:])[:hashLen]
	readable := slugOf(foldAccents(key))
	if readable == "" {
		return "onboard-" + hash
	}
	return "onboard-" + truncate(readable, maxSlug-hashLen-1) + "-" + hash
}

const (
	// maxSlug keeps the value within unique_name's 120 characters, as the
	// first rule did (it cut at 100).
	maxSlug = 100
	// hashLen hex digits (40 bits) make a collision between two names in one
	// tenant unlikely beyond any realistic number of apps.
	hashLen = 10
)

// nameKey is what the unique name depends on: the name in lower case, its
// words separated by single spaces.
func nameKey(s string) string {
	s = strings.ToLower(s)
	return strings.Join(strings.FieldsFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '-' || r == '_' || r == '.'
	}), " ")
}

func plainLatin(key string) bool {
	for _, r := range key {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != ' ' {
			return false
		}
	}
	return true
}

// slugOf is the first rule: runs of anything but [a-z0-9] become one dash.
func slugOf(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range s {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	return b.String()
}

func truncate(slug string, n int) string {
	if len(slug) > n {
		return strings.TrimRight(slug[:n], "-")
	}
	return slug
}

// foldAccents writes accented Latin letters without their accents, so the
// readable part of "Ærø Café" is "aero-cafe"; the hash, not this, keeps
// such names apart.
func foldAccents(s string) string {
	var b strings.Builder
	for _, r := range s {
		if f, ok := latinFold[r]; ok {
			b.WriteString(f)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// latinFold covers the lower-case letters of Latin-1 and Latin Extended-A
// (names are lower-cased first).
var latinFold = func() map[rune]string {
	m := map[rune]string{'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'ð': "d", 'þ': "th", 'ł': "l", 'đ': "d", 'ħ': "h", 'ı': "i", 'ŀ': "l", 'ŋ': "n", 'ĳ': "ij", 'ſ': "s", 'ĸ': "k"}
	for base, letters := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ď", "e": "èéêëēĕėęě", "g": "ĝğġģ", "h": "ĥ", "i": "ìíîïĩīĭį",
		"j": "ĵ", "k": "ķ", "l": "ĺļľ", "n": "ñńņňŉ", "o": "òóôõöōŏő", "r": "ŕŗř", "s": "śŝşš", "t": "ţťŧ",
		"u": "ùúûüũūŭůűų", "w": "ŵ", "y": "ýÿŷ", "z": "źżž",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()
