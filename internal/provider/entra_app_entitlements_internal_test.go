package provider

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema"

	"github.com/onboard-tf/terraform-provider-onboard/internal/graph"
)

func TestEntitlementsToDisable(t *testing.T) {
	role := func(id, value string, on bool) graph.AppRole {
		return graph.AppRole{ID: id, Value: value, IsEnabled: on}
	}
	for _, c := range []struct {
		name             string
		current, planned []graph.AppRole
		want             string
	}{
		{"unchanged", []graph.AppRole{role("A", "Read", true)}, []graph.AppRole{role("a", "Read", true)}, "[]"},
		{"removed", []graph.AppRole{role("a", "Read", true), role("b", "Write", true)}, []graph.AppRole{role("a", "Read", true)},
			"[{a Read   [] true} {b Write   [] false}]"},
		{"renamed", []graph.AppRole{role("a", "Read", true)}, []graph.AppRole{role("a", "Read.All", true)}, "[{a Read   [] false}]"},
		{"removed, already off", []graph.AppRole{role("a", "Read", false)}, nil, "[]"},
	} {
		if got := fmt.Sprint(rolesToDisable(c.current, c.planned)); got != c.want {
			t.Errorf("roles %s: %s, want %s", c.name, got, c.want)
		}
		var current, planned []graph.PermissionScope
		for _, r := range c.current {
			current = append(current, graph.PermissionScope{ID: r.ID, Value: r.Value, IsEnabled: r.IsEnabled})
		}
		for _, r := range c.planned {
			planned = append(planned, graph.PermissionScope{ID: r.ID, Value: r.Value, IsEnabled: r.IsEnabled})
		}
		var want []bool
		for _, r := range rolesToDisable(c.current, c.planned) {
			want = append(want, r.IsEnabled)
		}
		var got []bool
		for _, s := range scopesToDisable(current, planned) {
			got = append(got, s.IsEnabled)
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("scopes %s: enabled %v, want %v as for roles", c.name, got, want)
		}
	}
}

// Both blocks have the shared id, value and enabled attributes, each with
// its own descriptions, and their own attributes.
func TestEntitlementBlocks(t *testing.T) {
	for name, c := range map[string]struct {
		block schema.SetNestedBlock
		own   []string
		value string
	}{
		"app_role":                {appRoleBlock(), []string{"display_name", "description", "allowed_member_types"}, "`roles` claim"},
		"oauth2_permission_scope": {permissionScopeBlock(), []string{"type", "admin_consent_display_name", "admin_consent_description", "user_consent_display_name", "user_consent_description"}, "`scp` claim"},
	} {
		attrs := c.block.NestedObject.Attributes
		if len(attrs) != 3+len(c.own) {
			t.Errorf("%s: %d attributes, want %d", name, len(attrs), 3+len(c.own))
		}
		for _, a := range append([]string{"id", "value", "enabled"}, c.own...) {
			if attrs[a] == nil || attrs[a].GetMarkdownDescription() == "" {
				t.Errorf("%s.%s: missing or undescribed", name, a)
			}
		}
		if v, ok := attrs["value"].(schema.StringAttribute); !ok || !v.Required || len(v.Validators) != 1 || !strings.Contains(v.MarkdownDescription, c.value) {
			t.Errorf("%s.value: %+v", name, attrs["value"])
		}
		if e, ok := attrs["enabled"].(schema.BoolAttribute); !ok || !e.Optional || !e.Computed || e.Default == nil {
			t.Errorf("%s.enabled: %+v", name, attrs["enabled"])
		}
	}
}
