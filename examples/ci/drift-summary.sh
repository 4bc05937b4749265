#!/usr/bin/env bash
# Turns `terraform show -json` (of the state, or of a saved plan) into a short
# Markdown summary of onboarding for a pull request comment or the job summary:
# which customers need something, what is missing, and the link that fixes it.
# It reads every data.onboard_sync (per-tenant results, summary, secrets) and
# every onboard_customer_tenant (consent state and consent URL).
#
#   terraform show -json > show.json
#   examples/ci/drift-summary.sh show.json >> "$GITHUB_STEP_SUMMARY"
#
# Needs bash and jq (both on GitHub's hosted runners).
set -euo pipefail

jq -r '
def md: tostring | gsub("[\r\n]+"; " ") | gsub("\\|"; "\\|");
def list: if . == null or . == [] then empty else join(", ") end;
# Resource objects anywhere: the state, a plan'"'"'s planned values and prior
# state, child modules. A plan names a resource twice: what is known of it
# after (values unknown until apply are left out) and the prior state, the
# prior state winning.
def resources: [.. | objects | select(has("address") and has("mode") and has("type") and has("values"))]
  | group_by(.address) | map(reduce .[] as $r ({}; . * $r));

resources as $all
| ($all | map(select(.mode == "data" and .type == "onboard_sync"))) as $syncs
| ($all | map(select(.mode == "managed" and .type == "onboard_customer_tenant") | .values)) as $customers
| ($customers | map({key: (.tenant_id // "" | ascii_downcase), value: .}) | map(select(.key != "")) | from_entries) as $byTenant

# One row per tenant the syncs read, then customers no sync read.
| ([$syncs[] | .values.results // {} | to_entries[] | .value + {name: .key}]) as $read
| ($read | map(.tenant_id // "" | ascii_downcase)) as $readIDs
| ([$read[] | . as $r | ($byTenant[($r.tenant_id // "" | ascii_downcase)] // {}) as $c
    | {name: (($c.company_name // $r.organization_name // $r.name) | tostring), id: ($r.tenant_id // $r.name),
       status: ($r.status // "unknown"), consent: ($r.consent_state // $c.consent_state // "unknown"),
       missing: (($r.missing_permissions // []) + [($r.unavailable // {}) | to_entries[] | select(.value.reason == "permission_missing" or .value.reason == "failed")
         | "\(.key) (\(.value.reason)\(if .value.permission then ": " + .value.permission else "" end))"]),
       error: ($r.error // ""), url: ($r.consent_url // $c.consent_url // "")}]
   + [$customers[] | select((.tenant_id // "" | ascii_downcase) as $id | $readIDs | index($id) | not)
    | {name: (.company_name // .tenant_display_name // .tenant | tostring), id: (.tenant_id // .tenant), status: "not synced",
       consent: (.consent_state // "unknown"), missing: (.missing_permissions // []), error: "", url: (.consent_url // "")}]) as $rows
| ($rows | map(select(.status != "ok" or .consent != "granted" or (.missing | length) > 0 or .error != ""))) as $attention
| ([$syncs[] | (.values.secret_warning_days // 30) as $warn | .values.secrets // [] | .[] | select(.days_to_expiry <= $warn)]) as $expiring

| "## Onboarding: \(if ($attention | length) == 0 and ($expiring | length) == 0 then "nothing to do" else "\($attention | length) of \($rows | length) customers need attention" end)",
  "",
  ($syncs[] | select(.values.summary != null) | "`\(.address)`: " + ([.values.summary | to_entries[] | "\(.key) \(.value)"] | join(" · "))),
  "",
  if ($attention | length) > 0 then
    "| customer | state | what is missing | fix |",
    "|---|---|---|---|",
    ($attention[] | "| \(.name | md) (`\(.id)`) | \(.status)\(if .consent != .status then ", consent " + .consent else "" end) | \((.missing | list) // "" | md)\(if .error != "" then (if (.missing | length) > 0 then "; " else "" end) + (.error | md) else "" end) | \(if .url != "" then "[admin consent](\(.url))" else "" end) |"),
    ""
  else "Every customer is onboarded: consent granted, every item readable.", "" end,
  if ($expiring | length) > 0 then
    "Secrets expiring: " + ([$expiring[] | "`\(.display_name // .key_id)` on \(.end_date) (\(.days_to_expiry) days)"] | join(", ")), ""
  else empty end
' "${1:--}"
