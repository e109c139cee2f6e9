# SPF workbench: fetch the pinned 6.1 base, apply the series, build,
# boot under QEMU, test and benchmark. 'make help' lists the targets.

ARCH ?= x86_64
VARIANT ?= normal
ARCHES ?= x86_64 arm64
VARIANTS ?= normal debug
export ARCHES VARIANTS

S := scripts

.PHONY: help deps fetch apply export checkpatch build guest boot check \
	test-harness run run-full mutants

help:
	@echo "make deps          install the Debian packages (as root; else prints the apt-get line)"
	@echo "make fetch         fetch and verify the pinned base, make the kernel git tree"
	@echo "make apply         apply patches/series to the base (git am, no fuzz)"
	@echo "make export        write the kernel tree's work branch back to patches/"
	@echo "make checkpatch    checkpatch.pl --strict on every patch"
	@echo "make build         build one kernel (ARCH=x86_64|arm64 VARIANT=normal|debug|rt)"
	@echo "make guest         build the initramfs with the test programs (ARCH=...)"
	@echo "make boot          build, boot and run the test plan on one kernel"
	@echo "make check         everything: harness tests, apply, checkpatch, build, boot,"
	@echo "                   test on ARCHES x VARIANTS; ends with 'N passed, N failed'"
	@echo "make test-harness  only the harness's own tests"
	@echo "make run           the main job: build vanilla and SPF kernels, boot, benchmark,"
	@echo "                   table and plot in results/<timestamp>/ (quick; ARCH=...), then"
	@echo "                   ROUNDS=3 rounds of the headline workload with 95% intervals"
	@echo "make run-full      the same with longer samples (ROUNDS=5)"
	@echo "make mutants       break the series one way at a time (mutants/) and show that"
	@echo "                   its tests fail each (ARCH=... VARIANT=...)"

deps:
	@$(S)/deps.sh

fetch:
	@$(S)/fetch-base.sh

apply:
	@$(S)/series.sh apply

export:
	@$(S)/series.sh export

checkpatch:
	@$(S)/series.sh checkpatch

build:
	@$(S)/build-kernel.sh $(ARCH) $(VARIANT)

guest:
	@$(S)/build-guest.sh $(ARCH)

boot:
	@ARCHES=$(ARCH) VARIANTS=$(VARIANT) SKIP_HARNESS=1 SKIP_BISECT=1 $(S)/check.sh

check:
	@$(S)/check.sh

test-harness:
	@$(S)/check.sh --harness-only

# The main job: build vanilla 6.1 and the series, boot each, run spfbench
# (speculation on, switched off at boot, vanilla), write results/<ts>/
# with a table and a plot, then ROUNDS rounds of the headline workload
# alone (rounds/r<N>/). run-full: longer samples, more rounds.
run:
	@$(S)/run-bench.sh $(ARCH)

run-full:
	@$(S)/run-bench.sh --full $(ARCH)

# Each mutant in mutants/ removes one thing speculative faults rely on; the
# KUnit suite and the race selftests must fail on every one.
mutants:
	@VARIANT=$(VARIANT) $(S)/mutants.sh run $(ARCH)
