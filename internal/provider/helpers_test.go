package provider_test

import "regexp"

func regexpMust(s string) *regexp.Regexp { return regexp.MustCompile(s) }
