# Lots — the commands a developer needs. `make help` lists them.
.PHONY: help demo test check unit bench assets race

help:
	@echo "make demo    run Lots with the demo municipality on http://localhost:8080"
	@echo "make test    install what the tests need, then vet, staticcheck and every test (both stores, browser)"
	@echo "make bench   load benchmark of the start page and a case list against a bare handler"
	@echo "make assets  refresh the vendored files from npm (htmx, the common-password list)"
	@echo "make race    the unit and storage tests with the race detector"

demo:
	go run ./cmd/lots demo

test:
	bash scripts/test.sh

bench:
	go run ./cmd/lots bench

assets:
	npm ci --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js internal/web/static/vendor/htmx.min.js
	cp node_modules/htmx.org/LICENSE internal/web/static/vendor/htmx.LICENSE.txt
	cp node_modules/@zxcvbn-ts/language-common/src/passwords.json internal/auth/commonpasswords/passwords.json
	cp node_modules/@zxcvbn-ts/language-common/LICENSE.txt internal/auth/commonpasswords/LICENSE.txt

race:
	go test -race ./internal/casework/... ./internal/access/... ./internal/audit/... ./internal/store/... ./internal/auth/...
