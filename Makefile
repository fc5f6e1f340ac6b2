# lockstep: differential testing of CPU emulators.
GO      ?= go
GINKGO  := $(GO) tool ginkgo
BIN     := bin/lockstep
JUNIT   ?= $(CURDIR)/junit.xml

.PHONY: all deps build test test-unit test-suites test-long demo bench fuzz clean

all: build

deps:
	@scripts/deps.sh

build: deps
	$(GO) build -o $(BIN) ./cmd/lockstep

# Every test: vet, unit and integration tests, then the Ginkgo suites (the
# corpus in lockstep) with a JUnit report for CI systems.
test: deps test-unit test-suites

# The suites run under the Ginkgo CLI (in parallel), not twice.
test-unit:
	$(GO) vet ./...
	$(GO) test -count=1 -timeout 15m $$($(GO) list ./... | grep -v '/suites$$')

test-suites:
	$(GINKGO) -p --timeout=20m --junit-report=$(JUNIT) --label-filter='!long' ./suites

# Entries too slow for the default suite.
test-long: deps
	$(GINKGO) -p --timeout=40m --junit-report=$(CURDIR)/junit-long.xml --label-filter='long' ./suites

# The main job on bundled examples: a program that agrees to the end, a
# known bug of the oracle (Unicorn 2.0.1's PDEP) that the host CPU corrects,
# and a real bug of QEMU 7.2 (BLSI's carry flag), judged by the host CPU,
# single-stepped and in block mode.
demo: build
	@echo "== lockstep run examples/agree.S (expect: agree)"
	gcc -nostdlib -static -o bin/agree examples/agree.S
	$(BIN) run -- bin/agree
	@echo "== lockstep run examples/pdep.S (expect: agree, with one oracle correction: Unicorn's PDEP)"
	gcc -nostdlib -static -o bin/pdep examples/pdep.S
	$(BIN) run -- bin/pdep
	@echo "== lockstep run examples/blsi.S (expect: divergence in CF, verdict reference-wrong: QEMU 7.2's BLSI bug)"
	gcc -nostdlib -static -o bin/blsi examples/blsi.S
	$(BIN) run -- bin/blsi; test $$? -eq 1
	@echo "== lockstep run --mode block examples/blsi.S (expect: QEMU runs freely; the divergence is found at a block boundary and localized to blsi)"
	$(BIN) run --mode block -- bin/blsi; test $$? -eq 1

bench: deps
	$(GO) test -run='^$$' -bench=. -benchtime=1x ./qemutrace ./qemutrace/cpulog ./harness ./session ./oracle ./rsp ./minimize
	$(GO) test -run='^$$' -bench=Verdict -benchtime=2000x ./native

# A short bounded run of every fuzz target.
FUZZTIME ?= 10s
fuzz:
	@for pkg in $$($(GO) list ./...); do \
	  for f in $$($(GO) test -list='^Fuzz' $$pkg 2>/dev/null | grep '^Fuzz'); do \
	    echo "== $$pkg $$f"; \
	    $(GO) test -run='^$$' -fuzz="^$$f$$" -fuzztime=$(FUZZTIME) $$pkg || exit 1; \
	  done; \
	done

clean:
	rm -rf bin $(JUNIT) junit-long.xml
