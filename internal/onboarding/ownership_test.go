package onboarding

import (
	"slices"
	"testing"
)

func TestClaimExisting(t *testing.T) {
	for _, c := range []struct {
		tags []string
		want Claim
	}{
		{[]string{OwnerTag("a"), CreatingTag}, ClaimAdopt},
		{[]string{"HideApp", CreatingTag, OwnerTag("a")}, ClaimAdopt},
		{[]string{OwnerTag("a")}, ClaimRefuseOwned},
		{[]string{CreatingTag}, ClaimRefuseForeign},
		{[]string{"WindowsAzureActiveDirectoryIntegratedApp"}, ClaimRefuseForeign},
		{nil, ClaimRefuseForeign},
	} {
		if got := ClaimExisting(c.tags); got != c.want {
			t.Errorf("ClaimExisting(%q) = %d, want %d", c.tags, got, c.want)
		}
	}
}

func TestOwnedTags(t *testing.T) {
	got := OwnedTags([]string{"HideApp", OwnerTag("old"), CreatingTag}, "new", false)
	if want := []string{"HideApp", OwnerTag("new")}; !slices.Equal(got, want) {
		t.Errorf("OwnedTags = %q, want %q", got, want)
	}
	got = OwnedTags(nil, "new", true)
	if want := []string{OwnerTag("new"), CreatingTag}; !slices.Equal(got, want) {
		t.Errorf("OwnedTags creating = %q, want %q", got, want)
	}
	if OwnerOf(got) != "new" || OwnerOf([]string{"HideApp"}) != "" {
		t.Errorf("OwnerOf")
	}
}

func TestMayDelete(t *testing.T) {
	for _, c := range []struct {
		tags []string
		id   string
		want bool
	}{
		{[]string{OwnerTag("a")}, "a", true},
		{[]string{OwnerTag("b")}, "a", false},
		{nil, "a", true},                    // tracked before markers
		{[]string{OwnerTag("b")}, "", true}, // a state from before markers
	} {
		if got := MayDelete(c.tags, c.id); got != c.want {
			t.Errorf("MayDelete(%q, %q) = %v", c.tags, c.id, got)
		}
	}
}
