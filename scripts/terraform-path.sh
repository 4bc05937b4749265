#!/usr/bin/env bash
# Prints the path of a Terraform CLI for the acceptance tests, installing one
# from the Go module proxy when none is available. Fails loudly otherwise:
# acceptance tests must never be skipped because Terraform is missing.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
# Terraform 1.5.7 is the newest release whose go.mod has no replace
# directives, so it is the newest that `go install` can build from the proxy.
fallback_version="${ONBOARD_TERRAFORM_FALLBACK_VERSION:-v1.5.7}"

if [[ -n "${TF_ACC_TERRAFORM_PATH:-}" ]]; then
  if [[ -x "$TF_ACC_TERRAFORM_PATH" ]]; then
    echo "$TF_ACC_TERRAFORM_PATH"
    exit 0
  fi
  echo "TF_ACC_TERRAFORM_PATH=$TF_ACC_TERRAFORM_PATH is not an executable file." >&2
  exit 1
fi

if command -v terraform >/dev/null 2>&1; then
  command -v terraform
  exit 0
fi

local_bin="$repo/bin/terraform"
if [[ -x "$local_bin" ]]; then
  echo "$local_bin"
  exit 0
fi

echo "No Terraform CLI on PATH: building terraform $fallback_version from the Go module proxy into bin/ (takes a few minutes once)..." >&2
if ! GOBIN="$repo/bin" GOFLAGS=-mod=mod go install "github.com/hashicorp/terraform@$fallback_version" >&2; then
  cat >&2 <<MSG

ERROR: the acceptance tests need a Terraform CLI and none could be found or built.
  - none on PATH, TF_ACC_TERRAFORM_PATH is not set, and
  - 'go install github.com/hashicorp/terraform@$fallback_version' failed (see above).
Install Terraform (>= 1.5; >= 1.8 for provider functions) and put it on PATH, or set
TF_ACC_TERRAFORM_PATH to its path, then run the command again.
MSG
  exit 1
fi
echo "$local_bin"
