#!/usr/bin/env bash
# make demo: build the provider, start the local Microsoft cloud emulator,
# apply an onboarding example with the real Terraform CLI, print what a vendor
# asks for, then run plan again and say what onboarding still needs.
# Offline; leaves nothing running. DEMO_EXAMPLE picks another example folder.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
cd "$repo"
example="${DEMO_EXAMPLE:-examples/msp-multitenant}"
demo="$repo/.demo"
rm -rf "$demo/work" && mkdir -p "$demo/bin" "$demo/work"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Building the provider and the emulator"
go build -o "$demo/bin/terraform-provider-onboard" .
go build -o "$demo/bin/onboard-emulator" ./internal/emulator/cmd/emulator
tf="$(scripts/terraform-path.sh)"
echo "terraform: $tf"

step "Starting the emulator (identity platform, Microsoft Graph, Business Central on loopback)"
rm -f "$demo/emulator.env"
"$demo/bin/onboard-emulator" --listen 127.0.0.1:0 --env-file "$demo/emulator.env" >"$demo/emulator.log" 2>&1 &
emulator_pid=$!
cleanup() { kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; }
trap cleanup EXIT
for _ in $(seq 1 300); do
  [[ -s "$demo/emulator.env" ]] && break
  kill -0 "$emulator_pid" 2>/dev/null || { cat "$demo/emulator.log"; exit 1; }
  sleep 0.1
done
[[ -s "$demo/emulator.env" ]] || { echo "emulator did not start; log:"; cat "$demo/emulator.log"; exit 1; }
# shellcheck disable=SC1091
source "$demo/emulator.env"
echo "emulator: $ONBOARD_GRAPH_ENDPOINT (home tenant $ONBOARD_TENANT_ID)"

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
apply() {
  "$tf" apply -auto-approve -input=false -no-color 2>&1 | sed -e '/Provider development overrides are in effect/,/releases\./d' | grep -v -e '^[│╷╵] *$' || true
}
bc_card=false
if grep -q 'resource "onboard_bc_environment_app"' ./*.tf; then
  bc_card=true
  # The home tenant gets a Business Central environment to register the app in.
  control PUT "/bc/tenants/$ONBOARD_TENANT_ID/environments/Production" '{}'
fi

step "terraform apply ($example)"
apply
test -s terraform.tfstate || { echo "apply failed"; exit 1; }

if $bc_card; then
  step "A Business Central administrator creates the app's card, as apply asked (the emulator plays the Business Central client)"
  client_id="$("$tf" output -raw client_id)"
  description="$(awk '/resource "onboard_bc_environment_app"/ { in_app = 1 } in_app && /^ *description *=/ { sub(/^ *description *= *"/, ""); sub(/".*/, ""); print; exit }' ./*.tf)"
  echo "Microsoft Entra Applications > New: Client ID $client_id, Description \"$description\", State Enabled, permission set D365 AUTOMATION"
  control PUT "/bc/tenants/$ONBOARD_TENANT_ID/environments/Production/entraApps/$client_id" \
    "{\"description\":\"$description\",\"state\":\"Enabled\",\"permissionSets\":[{\"roleId\":\"D365 AUTOMATION\"}]}"
  step "terraform apply again: the provider manages the card's permission sets"
  apply
fi

step "What the vendor asks for (terraform output)"
"$tf" output -no-color

plan() {
  set +e
  "$tf" plan -detailed-exitcode -input=false -no-color >plan.txt 2>&1
  code=$?
  set -e
  sed -e '/Provider development overrides are in effect/,/releases\./d' plan.txt | grep -v -e 'Refreshing state' -e '^[│╷╵] *$' -e '^ *$' | head -60
  case $code in
    0) echo; echo "=> exit code 0: nothing pending." ;;
    2) echo; echo "=> exit code 2: the changes above are pending." ;;
    *) echo; echo "plan failed:"; cat plan.txt; exit 1 ;;
  esac
}

step "terraform plan -detailed-exitcode: is anything pending?"
plan

if grep -q 'onboard_customer_tenant' ./*.tf && grep -q Fabrikam customers.csv 2>/dev/null; then
  step "Fabrikam's Global Administrator opens the consent URL (the emulator plays the browser)"
  url="$(echo 'onboard_customer_tenant.customer["Fabrikam"].consent_url' | "$tf" console 2>/dev/null | tr -d '"')"
  echo "GET $url"
  curl -s -o /dev/null -w 'Microsoft redirects to: %{redirect_url}\n' --cacert "$ONBOARD_CA_CERT_FILE" "$url"
  step "terraform plan -detailed-exitcode: who is still pending?"
  plan
fi

advance="${DEMO_ADVANCE:-1500h}"
step "Time passes (the emulator's clock moves on $advance): what plan says next"
curl -sf --cacert "$ONBOARD_CA_CERT_FILE" -X POST -d "{\"duration\":\"$advance\"}" "$ONBOARD_GRAPH_ENDPOINT/_emulator/clock/advance" >/dev/null
plan

step "Done"
echo "The emulator stops now; the demo's files are in .demo/ (state in .demo/work)."
