#!/usr/bin/env bash
# make demo: build the provider, start the local Microsoft cloud emulator,
# apply an onboarding example with the real Terraform CLI, play the people
# (a customer admin consenting, time passing) and show every plan whole,
# saying after each step what it proved. Offline; leaves nothing running: the
# emulator saves its state on exit, and `make emulator` picks it up again.
# DEMO_EXAMPLE picks another example folder, DEMO_ADVANCE how far the clock moves.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
example="${DEMO_EXAMPLE:-examples/msp-multitenant}"
demo="$repo/.demo"
rm -rf "$demo/work" "$demo/plans" "$demo/emulator-state.json"
mkdir -p "$demo/bin" "$demo/work" "$demo/plans"

bold() { printf '\033[1m%s\033[0m\n' "$*"; }
step() { printf '\n'; bold "==> $*"; }
proved() { printf '\033[32m✔ %s\033[0m\n' "$*"; }
# Terraform's reminder that dev_overrides are in effect, and the empty box
# lines around diagnostics, say nothing about onboarding.
tidy() { sed -e '/Provider development overrides are in effect/,/releases\./d' | grep -v -e '^[│╷╵] *$' -e 'Refreshing state\.\.\.' || true; }

step "Building the provider and the emulator"
go build -o "$demo/bin/terraform-provider-onboard" .
go build -o "$demo/bin/onboard-emulator" ./internal/emulator/cmd/emulator
tf="$(scripts/terraform-path.sh)"
echo "terraform: $tf ($("$tf" version | head -n 1))"
proved "the provider and the emulator build from this checkout; Terraform is $tf"

step "Starting the emulator (identity platform, Microsoft Graph, Business Central on loopback)"
rm -f "$demo/emulator.env"
"$demo/bin/onboard-emulator" --listen 127.0.0.1:0 --env-file "$demo/emulator.env" \
  --state "$demo/emulator-state.json" >"$demo/emulator.log" 2>&1 &
emulator_pid=$!
# SIGTERM: the emulator finishes requests in flight, saves its state, exits.
cleanup() { kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 600); do
  [[ -s "$demo/emulator.env" ]] && break
  kill -0 "$emulator_pid" 2>/dev/null || { echo "the emulator exited; its log:"; cat "$demo/emulator.log"; exit 1; }
  sleep 0.1
done
[[ -s "$demo/emulator.env" ]] || { echo "emulator did not start within 60s; log:"; cat "$demo/emulator.log"; exit 1; }
# shellcheck disable=SC1091
source "$demo/emulator.env"
echo "emulator: $ONBOARD_GRAPH_ENDPOINT (home tenant $ONBOARD_TENANT_ID), CA $ONBOARD_CA_CERT_FILE"
echo "env file: .demo/emulator.env sets $(sed -n 's/^export \([A-Z_]*\)=.*/\1/p' "$demo/emulator.env" | tr '\n' ' ')"
proved "one HTTPS origin plays login.microsoftonline.com, graph.microsoft.com and Business Central; the env file is all the provider needs"

# dev_overrides: Terraform uses the binary just built, no registry, no init.
cat >"$demo/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "registry.terraform.io/onboard-tf/onboard" = "$demo/bin"
  }
  direct {}
}
RC
export TF_CLI_CONFIG_FILE="$demo/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1

cp -R "$example"/. "$demo/work/"
cd "$demo/work"

control() { curl -sf --cacert "$ONBOARD_CA_CERT_FILE" -X "$1" -d "$3" "$ONBOARD_GRAPH_ENDPOINT/_emulator$2" >/dev/null; }
apply() { # apply [ERROR]: an apply that fails with ERROR is expected (a human step)
  set +e
  "$tf" apply -auto-approve -input=false -no-color >apply.txt 2>&1
  local code=$?
  set -e
  tidy <apply.txt
  if [[ $code -ne 0 ]]; then
    if [[ -n "${1:-}" ]] && grep -q "Error: $1" apply.txt; then
      proved "apply stopped where a person has to act, and its error says what to do"
      return
    fi
    echo "terraform apply failed (exit $code)"; exit 1
  fi
}
# customer_states prints "address<TAB>tenant_id<TAB>consent_state" for every
# onboard_customer_tenant in the state.
customer_states() {
  "$tf" show -no-color | awk '
    /^# onboard_customer_tenant\./ { addr = substr($0, 3); sub(/:$/, "", addr); tid = ""; state = "" }
    addr != "" && /^ *tenant_id *=/ { tid = $3; gsub(/"/, "", tid) }
    addr != "" && /^ *consent_state *=/ { state = $3; gsub(/"/, "", state) }
    addr != "" && /^}/ { print addr "\t" tid "\t" state; addr = "" }'
}
n=0
plan() { # plan NAME: runs plan -detailed-exitcode, shows it whole, saves it
  n=$((n + 1))
  saved="$demo/plans/$n-$1.txt"
  set +e
  "$tf" plan -detailed-exitcode -input=false -no-color >"$saved" 2>&1
  code=$?
  set -e
  tidy <"$saved"
  echo
  echo "(the whole plan, as Terraform printed it: ${saved#"$repo"/})"
  case $code in
    0) proved "plan -detailed-exitcode exited 0: nothing is pending" ;;
    2) proved "plan -detailed-exitcode exited 2: the changes above are pending (a pull request check can gate on this)" ;;
    *) echo "terraform plan failed (exit $code)"; exit 1 ;;
  esac
}

bc_card=false
if grep -q 'resource "onboard_bc_environment_app"' ./*.tf; then
  bc_card=true
  # The home tenant gets a Business Central environment to register the app in.
  control PUT "/bc/tenants/$ONBOARD_TENANT_ID/environments/Production" '{}'
fi

step "terraform apply ($example)"
if $bc_card; then apply "The app is not registered in Business Central"; else apply; fi
test -s terraform.tfstate || { echo "apply wrote no state"; exit 1; }
proved "$("$tf" state list | grep -c '^onboard_') onboard_* objects in the state, created through the emulated Microsoft Graph and Business Central"
while IFS=$'\t' read -r addr tid state; do
  [[ -n "$addr" ]] || continue
  who="a customer admin has to consent"
  [[ "$tid" == "$ONBOARD_TENANT_ID" ]] && who="the home tenant"
  case "$state" in
    granted)
      if [[ "$tid" == "$ONBOARD_TENANT_ID" ]]; then
        proved "$addr: consent granted by apply itself, with the automation identity, in the home tenant"
      else
        proved "$addr: consent granted by apply itself, signed in as the partner admin whose GDAP roles allow it (no customer admin involved)"
      fi ;;
    *) proved "$addr: consent $state; $who: apply warned with the URL to send" ;;
  esac
done < <(customer_states)
if grep -q 'Warning: Client secret' apply.txt; then proved "the client secret warning above names its expiry"; fi
if command -v jq >/dev/null 2>&1; then
  secrets=0 copies=0
  while read -r secret; do
    [[ -n "$secret" ]] || continue
    secrets=$((secrets + 1))
    n="$(grep -o -F -- "$secret" terraform.tfstate | wc -l)"
    ((n > copies)) && copies=$n
  done < <(jq -r '.resources[] | select(.type == "onboard_client_secret") | .instances[].attributes.value // empty' terraform.tfstate)
  if ((copies > 1)); then echo "a client secret occurs $copies times in terraform.tfstate"; exit 1; fi
  ((secrets > 0)) && proved "each client secret occurs once in terraform.tfstate, in onboard_client_secret: the customers got it write-only, the sync from the provider"
fi

if $bc_card; then
  step "A Business Central administrator creates the app's card, as apply asked (the emulator plays the Business Central client)"
  client_id="$("$tf" output -raw client_id)"
  description="$(awk '/resource "onboard_bc_environment_app"/ { in_app = 1 } in_app && /^ *description *=/ { sub(/^ *description *= *"/, ""); sub(/".*/, ""); print; exit }' ./*.tf)"
  echo "Microsoft Entra Applications > New: Client ID $client_id, Description \"$description\", State Enabled, permission set D365 AUTOMATION"
  control PUT "/bc/tenants/$ONBOARD_TENANT_ID/environments/Production/entraApps/$client_id" \
    "{\"description\":\"$description\",\"state\":\"Enabled\",\"permissionSets\":[{\"roleId\":\"D365 AUTOMATION\"}]}"
  step "terraform apply again: the provider manages the card's permission sets"
  apply
  proved "the one human step (the card) is done; apply took over the card's permission sets"
fi

step "What the vendor asks for (terraform output)"
"$tf" output -no-color
proved "the values to hand over (client ID, consent URLs) are outputs; secret values stay sensitive"

step "terraform plan -detailed-exitcode: is anything pending?"
plan pending

if grep -q 'onboard_customer_tenant' ./*.tf && grep -q Fabrikam customers.csv 2>/dev/null; then
  step "Fabrikam's Global Administrator opens the consent URL (the emulator plays the browser)"
  url="$(echo 'onboard_customer_tenant.customer["Fabrikam"].consent_url' | "$tf" console 2>/dev/null | tr -d '"')"
  [[ -n "$url" ]] || { echo "no consent URL for Fabrikam in the state"; exit 1; }
  echo "GET $url"
  redirect="$(curl -s -o /dev/null -w '%{redirect_url}' --cacert "$ONBOARD_CA_CERT_FILE" "$url")"
  echo "Microsoft redirects to: $redirect"
  [[ "$redirect" == *admin_consent=True* && "$redirect" != *error=* ]] || { echo "consent was not granted"; exit 1; }
  proved "the URL from the plan works: Microsoft's redirect carries admin_consent=True and no error"
  step "terraform plan -detailed-exitcode: who is still pending?"
  plan after-consent
  if grep -q 'onboard_customer_tenant.customer\["Fabrikam"\] will be' "$saved"; then
    echo "Fabrikam is still pending after its consent"; exit 1
  fi
  proved "Fabrikam left the plan: the provider read the consent on refresh; only customers still to consent remain"
fi

advance="${DEMO_ADVANCE:-1500h}"
step "Time passes (the emulator's clock moves on $advance): what plan says next"
control POST /clock/advance "{\"duration\":\"$advance\"}"
plan after-"$advance"
if grep -q 'Warning: Client secret will be rotated' "$saved"; then
  proved "rotate_before reached by Entra's clock: plan rotates the secret (the old one kept for keep_previous_for) and its warning says when it expires"
fi

cd "$repo"
cleanup
trap - EXIT
step "Done: the emulator stopped and saved its state (same tenants, clock, CA and keys) to .demo/emulator-state.json"
cat <<NEXT

Next steps
  1. Keep the emulator running, with the state this demo left:
       make emulator        # https://127.0.0.1:8443; rewrites .demo/emulator.env, same CA
     then in another shell, go on where the demo stopped:
       source .demo/emulator.env
       export TF_CLI_CONFIG_FILE="\$PWD/.demo/terraformrc"
       cd .demo/work && terraform plan
     (rm .demo/emulator-state.json first to start from the default tenants again)
  2. Point your own configuration at it: in your configuration's folder, the same
     two lines (source the env file, set TF_CLI_CONFIG_FILE); provider "onboard" {}
     needs no arguments. Your own customers with GDAP: examples/emulator/seed.json.
  3. Read docs/guides/testing-against-the-emulator.md (also for CI) and
     docs/guides/emulator-reference.md (control API, seed files, default tenants).
NEXT
