#!/usr/bin/env bash
# run.sh OUTDIR: boot the v7 kernel and the v7+28-34 kernel alternately
# (ABAB) with cost.plan and save each boot's JSON and console.
set -euo pipefail
out=${1:?usage: run.sh OUTDIR}
top=/work/main
here=$(cd "$(dirname "$0")" && pwd) # holds cost.plan and new-bzImage
initrd=$(PLAN=$here/cost.plan GUEST_TAG=cost "$top/scripts/build-guest.sh" x86_64 | tail -n 1)
mkdir -p "$out"
for round in ${ROUNDS:-1 2}; do
	for k in ${ORDER:-v7 rcu}; do
		case $k in v7) img=/root/v7img/bzImage ;; rcu) img=$here/new-bzImage ;; esac
		d=$out/r$round-$k
		echo "[$(date +%T)] round $round: $k"
		APPEND="quiet loglevel=1" TIMEOUT=1800 "$top/scripts/boot.sh" x86_64 "$img" "$initrd" "$d/boot" >"$d.log" 2>&1 ||
			{ tail -n 20 "$d.log"; exit 1; }
		grep -a '^# SPF-FILE: ' "$d/boot/console.log" | sed 's/^# SPF-FILE: //' | tr -d '\r' |
			while read -r name data; do printf '%s' "$data" | base64 -d >"$d/$name"; done
		ls "$d"
	done
done
