#!/usr/bin/env bash
# Every shell script of the workbench is shellcheck-clean. Prints TAP.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
files=(scripts/*.sh harness-tests/*.sh harness-tests/fake-qemu .ci/run)
echo "1..$((${#files[@]} + 1))"
n=0
fails=0
for f in "${files[@]}"; do
	n=$((n + 1))
	if out=$(shellcheck -x -P scripts "$f" 2>&1); then
		echo "ok $n $f"
	else
		echo "not ok $n $f"
		printf '%s\n' "$out" | sed 's/^/# /' | head -30
		fails=$((fails + 1))
	fi
done
# The guest's init runs under busybox ash: check it as POSIX sh.
n=$((n + 1))
if out=$(shellcheck -s sh guest/init 2>&1); then
	echo "ok $n guest/init"
else
	echo "not ok $n guest/init"
	printf '%s\n' "$out" | sed 's/^/# /' | head -30
	fails=$((fails + 1))
fi
[ "$fails" = 0 ]
