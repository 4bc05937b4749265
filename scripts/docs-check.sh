#!/usr/bin/env bash
# Fails when docs/ is not what `make generate` would produce from the schema,
# templates/ and examples/, or when tfplugindocs finds the docs invalid.
set -euo pipefail
cd "$(dirname "$0")/.."
tf="$(scripts/terraform-path.sh)"
export PATH="$(dirname "$tf"):$PATH" CHECKPOINT_DISABLE=1
# tfplugindocs takes the output directory relative to the provider directory.
out=".docs-check"
rm -rf "$out"
trap 'rm -rf "$out"' EXIT
go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs generate \
  --provider-name onboard --rendered-website-dir "$out" >"$out.log" 2>&1 || { cat "$out.log"; rm -f "$out.log"; exit 1; }
rm -f "$out.log"
if ! diff -ru docs "$out"; then
  echo "docs/ is out of date: run 'make generate' and commit the result." >&2
  exit 1
fi
go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs validate --provider-name onboard >"$out.log" 2>&1 || { cat "$out.log"; rm -f "$out.log"; exit 1; }
rm -f "$out.log"
echo "docs: current and valid"
