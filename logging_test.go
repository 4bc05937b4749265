package main

import (
	"maps"
	"testing"
)

func TestQuietLogs(t *testing.T) {
	for _, c := range []struct {
		name string
		env  map[string]string
		want map[string]string
	}{
		{name: "no log asked for: every logger off", env: map[string]string{},
			want: map[string]string{"TF_LOG_PROVIDER_ONBOARD": "OFF", "TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "OFF"}},
		{name: "TF_LOG: untouched", env: map[string]string{"TF_LOG": "INFO"}, want: map[string]string{"TF_LOG": "INFO"}},
		{name: "TF_LOG_PROVIDER: untouched", env: map[string]string{"TF_LOG_PROVIDER": "DEBUG"}, want: map[string]string{"TF_LOG_PROVIDER": "DEBUG"}},
		{name: "a level the user set is kept", env: map[string]string{"TF_LOG_SDK_PROTO": "TRACE"},
			want: map[string]string{"TF_LOG_PROVIDER_ONBOARD": "OFF", "TF_LOG_SDK": "OFF", "TF_LOG_SDK_PROTO": "TRACE"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := maps.Clone(c.env)
			quietLogs(func(k string) string { return env[k] }, func(k, v string) error { env[k] = v; return nil })
			if !maps.Equal(env, c.want) {
				t.Errorf("env = %v, want %v", env, c.want)
			}
		})
	}
}
