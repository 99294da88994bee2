# hardhull — common tasks. Everything here is plain `go` underneath.
GO ?= go
BIN ?= bin/hardhull

.PHONY: build test vet docs bench bench-scan bench-image bench-runtime bench-vuln fuzz example clean

# Link-time version: the tag (or commit) this tree is at.
VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT ?= $(shell git rev-parse HEAD 2>/dev/null || echo unknown)
DATE ?= $(shell git log -1 --format=%cI 2>/dev/null || echo unknown)
BUILDINFO = github.com/hardhull/hardhull/internal/buildinfo
LDFLAGS = -s -w -X $(BUILDINFO).version=$(VERSION) -X $(BUILDINFO).commit=$(COMMIT) -X $(BUILDINFO).date=$(DATE)

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/hardhull

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

# Releases (docs/releasing.md): goreleaser from the Go module proxy.
GORELEASER ?= $(shell command -v goreleaser || echo $$($(GO) env GOPATH)/bin/goreleaser)
.PHONY: release-check snapshot image
release-check:
	$(GORELEASER) check
# Every archive and the checksums for this commit, in dist/, unsigned.
snapshot:
	$(GORELEASER) release --snapshot --clean --skip=sign,sbom

# hardhull's own image (Dockerfile), scanned with the binary just built.
image: build
	$(BIN) scan Dockerfile --fail-on medium
	docker build --build-arg VERSION=$(VERSION) --build-arg COMMIT=$(COMMIT) --build-arg DATE=$(DATE) -t hardhull:$(VERSION) .
	$(BIN) image docker:hardhull:$(VERSION) --fail-on medium

clean:
	rm -rf bin dist
