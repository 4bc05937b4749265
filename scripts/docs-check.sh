#!/usr/bin/env bash
# Fails when the docs and the code disagree (an env var the emulator sets but the docs lack, an example
# path or link that does not exist, a control-API route or default the emulator reference gets wrong),
# when the workflows in examples/ci do not lint, when docs/ is not what `make generate` would produce
# from the schema, templates/ and examples/, or when tfplugindocs finds the docs invalid.
set -euo pipefail
cd "$(dirname "$0")/.."

# Docs must agree with the code and with each other; these checks are fast, so
# they come first.
doc_files=(README.md CONTRIBUTING.md docs templates examples/*/README.md)

# Every variable the emulator's env file sets is documented: in the provider
# index's table of environment variables, and in the emulator reference.
emu_dir="$(mktemp -d)"
go build -o "$emu_dir/onboard-emulator" ./internal/emulator/cmd/emulator
"$emu_dir/onboard-emulator" --listen 127.0.0.1:0 --env-file "$emu_dir/emulator.env" >"$emu_dir/log" 2>&1 &
emu_pid=$!
for _ in $(seq 1 300); do [[ -s "$emu_dir/emulator.env" ]] && break; kill -0 "$emu_pid" 2>/dev/null || break; sleep 0.1; done
kill "$emu_pid" 2>/dev/null || true
wait "$emu_pid" 2>/dev/null || true
env_vars="$(sed -n 's/^export \([A-Z_][A-Z0-9_]*\)=.*/\1/p' "$emu_dir/emulator.env" 2>/dev/null || true)"
rm -rf "$emu_dir"
[[ -n "$env_vars" ]] || { echo "docs-check: the emulator wrote no env file" >&2; exit 1; }
missing=0
for v in $env_vars; do
  grep -q "^|.*\`$v\`" docs/index.md || { echo "docs/index.md: the environment variable table lacks $v, which the emulator's env file sets (templates/index.md.tmpl)" >&2; missing=1; }
  grep -q "\`$v\`" docs/guides/emulator-reference.md || { echo "docs/guides/emulator-reference.md: the env file section lacks $v (templates/guides/emulator-reference.md)" >&2; missing=1; }
done
# Every examples/... and docs/... path the docs name exists, and every
# relative Markdown link resolves.
while IFS=: read -r file path; do
  [[ -e "$path" ]] || { echo "$file names $path, which does not exist" >&2; missing=1; }
done < <(grep -roE '(^|[^A-Za-z0-9_.-])(examples|docs)/[A-Za-z0-9_./-]*[A-Za-z0-9_]' "${doc_files[@]}" | sed -E 's/:[^ed]?/:/' | sort -u)
while IFS=: read -r file link; do
  target="${link#](}"; target="${target%)}"; target="${target%%#*}"
  [[ -z "$target" || -e "$(dirname "$file")/$target" ]] || { echo "$file links to $target, which does not exist" >&2; missing=1; }
done < <(grep -roE '\]\([^):# ]+(#[^)]*)?\)' README.md CONTRIBUTING.md docs examples/*/README.md | sort -u)
[[ $missing -eq 0 ]] || exit 1
# Every control-API route the emulator reference names answers, and its lists
# of defaults and seed fields match the emulator (Go tests that read the page).
go test -count=1 ./internal/emulator -run '^(TestReference|TestExampleSeedFile)' >/dev/null ||
  { go test -count=1 ./internal/emulator -run '^(TestReference|TestExampleSeedFile)' >&2 || true; echo "docs/guides/emulator-reference.md and the emulator disagree" >&2; exit 1; }
echo "docs: env vars, example paths, links and emulator routes agree with the code"

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
