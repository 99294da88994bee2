# hardhull — common tasks. Everything here is plain `go` underneath.
GO ?= go
BIN ?= bin/hardhull

.PHONY: build test vet docs bench bench-scan bench-image bench-runtime bench-vuln fuzz example clean

build:
	$(GO) build -trimpath -o $(BIN) ./cmd/hardhull

test:
	$(GO) test ./...

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l cmd internal tools test)" || (gofmt -l cmd internal tools test; exit 1)

# Regenerate docs/rules.md from the rule catalogue.
docs:
	$(GO) run ./tools/gendocs

# Run the main job on the bundled insecure example.
example:
	$(GO) run ./cmd/hardhull scan examples/insecure-fastapi

bench: bench-scan bench-image bench-runtime

# Scanning the whole shared corpus (files/s); see docs/benchmarks.md.
bench-scan:
	$(GO) test ./internal/scan -run '^$$' -bench ScanCorpus -benchtime 5x
	bash scripts/bench-scan.sh

bench-image:
	@if [ -x scripts/bench-image.sh ]; then bash scripts/bench-image.sh; else echo "scripts/bench-image.sh missing"; exit 1; fi

# Importing a generated 300k-record OSV export and matching 500 packages; see docs/benchmarks.md.
bench-vuln:
	$(GO) test ./internal/vuln -run '^$$' -bench . -benchtime 1x

bench-runtime:
	$(GO) test ./internal/engine -run '^$$' -bench . -benchtime 3x

# Short fuzzing of every parser entry point.
FUZZTIME ?= 20s
fuzz:
	@for p in $$($(GO) list ./internal/...); do \
	  for f in $$($(GO) test -list 'Fuzz.*' $$p 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$p $$f"; $(GO) test $$p -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) || exit 1; \
	  done; \
	done

# The init templates built and run on a real engine (needs root: it may
# start dockerd and debootstraps the FastAPI test base once).
.PHONY: e2e
e2e:
	bash .ci/docker-up.sh && bash .ci/fastapi-base.sh && CI=true $(GO) test ./test/e2e -run OnEngine -v

clean:
	rm -rf bin
