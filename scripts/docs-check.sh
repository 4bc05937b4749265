#!/usr/bin/env bash
# Fails when the workflows in examples/ci do not lint, when docs/ is not what `make generate` would produce from the schema,
# templates/ and examples/, or when tfplugindocs finds the docs invalid.
set -euo pipefail
cd "$(dirname "$0")/.."
# The CI recipes users copy: workflow syntax, expressions and action inputs.
go run github.com/rhysd/actionlint/cmd/actionlint@v1.7.12 examples/ci/*.yml
tf="$(scripts/terraform-path.sh)"
export PATH="$(dirname "$tf"):$PATH" CHECKPOINT_DISABLE=1
# Examples are copied by users and rendered into docs: canonical formatting.
"$tf" fmt -check -recursive examples/ || { echo "examples/ is not formatted: run 'terraform fmt -recursive examples/'" >&2; exit 1; }
# Terraform reports provider functions in its schema from 1.8 on; an older
# CLI would render docs without them, so only validate what is committed.
version="$("$tf" version -json 2>/dev/null | sed -n 's/.*"terraform_version": *"\([0-9.]*\)".*/\1/p')"
if [[ "$(printf '%s\n1.8.0\n' "$version" | sort -V | head -1)" != "1.8.0" ]]; then
  echo "docs-check: Terraform $version is older than 1.8 and cannot export provider functions;"
  echo "docs-check: checking only that docs/ is valid, not that it is current (install Terraform >= 1.8 for the full check)."
  go run github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs validate --provider-name onboard
  exit 0
fi
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
