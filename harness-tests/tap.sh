# shellcheck shell=bash
# Sourced by the harness's shell tests: TAP output. The caller prints the
# plan ("1..N") and ends with [ "$fails" = 0 ].
n=0
fails=0

# tap OK NAME: test number n+1 passed if OK is 1, else failed.
tap() {
	n=$((n + 1))
	if [ "$1" = 1 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fails=$((fails + 1)); fi
}
