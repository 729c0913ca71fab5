#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it. It installs what the tests need when it
# can: Debian's chromium for the browser tests, poppler-utils to read their PDFs, postgresql-client
# for the backups of PostgreSQL, and axe-core (and the other test packages) from
# npm. Under CI=true a missing browser, axe-core or PostgreSQL fails the tests instead of
# skipping them.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

step "browser"
if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "chromium is missing; installing Debian's package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "chromium is missing and cannot be installed here (needs root and apt-get): browser tests will skip (fail under CI=true)"
  fi
fi
command -v chromium >/dev/null 2>&1 && chromium --version 2>/dev/null | head -1 || true
# poppler's pdfinfo and pdftotext read the printed action plan's PDF (page size, no text cut off).
if ! command -v pdfinfo >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "pdfinfo is missing; installing Debian's poppler-utils"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends poppler-utils >/dev/null; }
  else
    echo "pdfinfo is missing and cannot be installed here: the PDF check is skipped (fails under CI=true)"
  fi
fi

# pg_dump and pg_restore: lots backup and restore on PostgreSQL (and their tests).
if ! command -v pg_dump >/dev/null 2>&1 || ! command -v pg_restore >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "pg_dump is missing; installing Debian's postgresql-client"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq --no-install-recommends postgresql-client >/dev/null || { apt-get update -qq && apt-get install -y -qq --no-install-recommends postgresql-client >/dev/null; }
  else
    echo "pg_dump is missing and cannot be installed here: the PostgreSQL backup test fails"
  fi
fi

step "npm test packages (axe-core, ical.js)"
if [ ! -f node_modules/axe-core/axe.min.js ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

step "gofmt"
unformatted=$(gofmt -l cmd internal)
if [ -n "$unformatted" ]; then
  echo "not gofmt-ed:"; echo "$unformatted"; exit 1
fi

step "go vet"
go vet ./...

step "staticcheck"
go tool staticcheck ./...

step "go test (unit, storage on SQLite and PostgreSQL, HTTP, browser)"
go test -count=1 -timeout 20m ./...
