#!/usr/bin/env bash
# Vendors htmx from the npm registry into httpd/static, where go:embed picks
# it up. Run it to upgrade; commit the result. htmx is Zero-Clause BSD.
set -euo pipefail
version="${1:-2.0.11}"
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "htmx.org@$version" >/dev/null && tar xzf htmx.org-*.tgz)
cp "$tmp/package/dist/htmx.min.js" httpd/static/htmx.min.js
echo "htmx.org@$version" > httpd/static/htmx.version
echo "vendored htmx.org@$version"
