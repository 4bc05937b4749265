package businesscentral

import (
	"fmt"
	"net/http"
	"strings"
)

// A small part of OData's $filter for the automation API's collections:
// comparisons "<property> eq '<text>'" (or a GUID / true / false literal)
// joined by "and". BC supports much more; anything else is refused loudly
// rather than ignored, so a client never mistakes an unfiltered list for a
// filtered one.

type filterTerm struct{ prop, value string }

func parseFilter(expr string) ([]filterTerm, error) {
	if strings.TrimSpace(expr) == "" {
		return nil, nil
	}
	var terms []filterTerm
	for _, part := range strings.Split(expr, " and ") {
		prop, val, ok := strings.Cut(strings.TrimSpace(part), " eq ")
		if !ok {
			return nil, fmt.Errorf("the emulator supports only \"<property> eq <value>\" joined by \"and\" in $filter, not %q", part)
		}
		val = strings.TrimSpace(val)
		if strings.HasPrefix(val, "'") && strings.HasSuffix(val, "'") && len(val) >= 2 {
			val = strings.ReplaceAll(val[1:len(val)-1], "''", "'")
		}
		terms = append(terms, filterTerm{prop: strings.TrimSpace(prop), value: val})
	}
	return terms, nil
}

// applyQuery filters rows by $filter; rows are the JSON objects a
// collection answers.
func applyQuery(r *http.Request, rows []map[string]any) ([]map[string]any, error) {
	terms, err := parseFilter(r.URL.Query().Get("$filter"))
	if err != nil {
		return nil, &ODataError{Status: http.StatusNotImplemented, Code: "BadRequest_MethodNotImplemented", Message: err.Error()}
	}
	out := rows[:0:0]
	for _, row := range rows {
		keep := true
		for _, t := range terms {
			v, ok := row[t.prop]
			if !ok {
				return nil, &ODataError{Status: http.StatusBadRequest, Code: "BadRequest_NotFound",
					Message: "Could not find a property named '" + t.prop + "' on type 'Microsoft.NAV.entity'."}
			}
			if fmt.Sprint(v) != t.value {
				keep = false
			}
		}
		if keep {
			out = append(out, row)
		}
	}
	return out, nil
}
