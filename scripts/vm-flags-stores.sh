#!/usr/bin/env bash
# vm-flags-stores.sh [REF]
#
# The series changes vm_flags only through vm_flags_set() and its kin,
# which mark the VMA for speculative page faults. This greps the converted
# directories of the kernel tree at REF (default: the work branch) for a
# store that bypasses them: "x->vm_flags = ...", "|=", "&=", "^=", or
# WRITE_ONCE(x->vm_flags, ...). Prints each one as FILE:LINE: TEXT and
# fails if there is any; prints the count of files searched if none.
#
# It sees only stores it can parse (not one through a pointer to the
# field); debug kernels catch the others at run time (spf_check_marks()).
# Drivers and the mm code of architectures that do not enable the series
# may store directly, and are not searched.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

ref=${1:-refs/heads/$WORK_BRANCH}
kgit rev-parse -q --verify "$ref^{commit}" >/dev/null ||
	die "no commit '$ref' in $KTREE: run 'make apply' first"

# The directories the series converted (Documentation/mm/
# speculative-page-faults.rst names the same ones).
paths=(mm kernel/fork.c fs/exec.c fs/proc fs/userfaultfd.c arch/x86/mm arch/arm64/mm)
store='(->|\.)vm_flags[[:space:]]*([|&^]?=[^=])|WRITE_ONCE\([^,]*vm_flags[[:space:]]*,'
# Fields of the same name in other structures: rmap's page_referenced_arg
# and nommu's vm_region.
other='(pra|region)->vm_flags'

files=$(kgit ls-tree -r --name-only "$ref" -- "${paths[@]}" | grep -cE '\.[ch]$' || true)
[ "$files" -gt 0 ] || die "none of ${paths[*]} exists at $ref"
hits=$(kgit grep -nE "$store" "$ref" -- "${paths[@]}" | grep -vE "$other" || true)
if [ -n "$hits" ]; then
	printf '%s\n' "${hits//$ref:/}"
	die "$(echo "$hits" | wc -l) direct store(s) to vm_flags: use vm_flags_set(), vm_flags_clear(), vm_flags_mod(), vm_flags_reset(), or vm_flags_init() before the VMA is inserted"
fi
echo "no direct store to vm_flags in $files files of ${paths[*]}"
