package main

import (
	"maps"
	"testing"
)

func TestParseSteps(t *testing.T) {
	for _, c := range []struct {
		in   string
		want map[string]bool
		err  bool
	}{
		{in: "plan,revoked,sync", want: map[string]bool{"plan": true, "revoked": true, "sync": true}},
		{in: "cached", want: map[string]bool{"cached": true}},
		{in: "plan, sync", want: map[string]bool{"plan": true, "sync": true}},
		{in: "", want: map[string]bool{}},
		{in: "plan,apply", err: true},
	} {
		got, err := parseSteps(c.in)
		if (err != nil) != c.err || (!c.err && !maps.Equal(got, c.want)) {
			t.Errorf("parseSteps(%q) = %v, %v; want %v (error %v)", c.in, got, err, c.want, c.err)
		}
	}
}
