#!/usr/bin/env bash
# boot.sh ARCH KERNEL INITRAMFS OUTDIR
#
# Boot one guest under QEMU with a wall-clock bound and write its console to
# OUTDIR/console.log and a description of the run to OUTDIR/boot.env.
# A guest that does not reach init within INIT_TIMEOUT seconds, or does not
# power off within TIMEOUT seconds, is killed and its console tail printed.
#
# Environment: ACCEL (tcg, kvm or auto; default tcg), VCPUS (2), MEM (8G),
# INIT_TIMEOUT (180), TIMEOUT (1800), APPEND (extra kernel command line),
# QEMU (override the QEMU binary, for tests).
# Exit status: 0 the guest powered off by itself; 2 init never reached;
# 3 the guest ran out of time after init; 1 a usage or set-up error.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: boot.sh ARCH KERNEL INITRAMFS OUTDIR}
kernel=${2:?usage: boot.sh ARCH KERNEL INITRAMFS OUTDIR}
initrd=${3:?usage: boot.sh ARCH KERNEL INITRAMFS OUTDIR}
outdir=${4:?usage: boot.sh ARCH KERNEL INITRAMFS OUTDIR}
check_arch "$arch"
[ -f "$kernel" ] || die "no kernel image at $kernel"
[ -f "$initrd" ] || die "no initramfs at $initrd"
mkdir -p "$outdir"

accel=${ACCEL:-tcg}
vcpus=${VCPUS:-2}
mem=${MEM:-8G}
init_timeout=${INIT_TIMEOUT:-180}
timeout=${TIMEOUT:-1800}
case "$vcpus" in ''|*[!0-9]*) die "VCPUS must be a number, got '$vcpus'" ;; esac
[ "$vcpus" -ge 1 ] || die "VCPUS must be at least 1"
case "$accel" in tcg|kvm|auto) ;; *) die "ACCEL must be tcg, kvm or auto, got '$accel'" ;; esac

case "$mem" in [1-9]*G) ;; *) die "MEM must be a whole number of GiB like 4G, got '$mem'" ;; esac
need_cmd mke2fs e2fsprogs
case "$arch" in
x86_64)
	qemu=${QEMU:-qemu-system-x86_64}
	need_cmd "$qemu" qemu-system-x86
	machine=(-M q35)
	cmdline="console=ttyS0"
	;;
arm64)
	qemu=${QEMU:-qemu-system-aarch64}
	need_cmd "$qemu" qemu-system-arm
	machine=(-M 'virt,gic-version=3')
	cmdline="console=ttyAMA0"
	;;
esac
# Two NUMA nodes, so that migration and NUMA balancing have somewhere to
# go: node 0 gets the first half of the vCPUs, node 1 the rest (if any).
half=$(( ${mem%G} * 512 ))M
h=$(( (vcpus + 1) / 2 ))
machine+=(-object "memory-backend-ram,id=m0,size=$half"
	-numa "node,nodeid=0,memdev=m0,cpus=0-$((h - 1))"
	-object "memory-backend-ram,id=m1,size=$half")
if [ "$vcpus" -gt "$h" ]; then
	machine+=(-numa "node,nodeid=1,memdev=m1,cpus=$h-$((vcpus - 1))")
else
	machine+=(-numa "node,nodeid=1,memdev=m1")
fi
cmdline="$cmdline panic=-1 oops=panic ${APPEND:-}"

run_qemu() { # ACCEL CONSOLE INIT_TIMEOUT TIMEOUT EXTRA_APPEND -> exit status as above
	local acc=$1 console=$2 itmo=$3 tmo=$4 extra=$5 accel_arg pid t=0 reached=0
	# KVM runs the host's CPU model; TCG emulates the richest one it has
	# (on arm64 with the cheap QEMU-defined pointer authentication).
	if [ "$acc" = kvm ]; then
		accel_arg=(-accel kvm -cpu host)
	elif [ "$arch" = arm64 ]; then
		accel_arg=(-accel 'tcg,thread=multi' -cpu 'max,pauth-impdef=on')
	else
		accel_arg=(-accel 'tcg,thread=multi' -cpu max)
	fi
	: >"$console"
	# A scratch disk for swap, so that swap-out and swap-in paths run, and
	# an empty ext4 file system for the file-backed fault tests (made here:
	# the guest has no mke2fs), which the guest mounts at /mnt/ext4.
	rm -f "$outdir/swap.img" "$outdir/ext4.img"
	truncate -s 1G "$outdir/swap.img"
	truncate -s 256M "$outdir/ext4.img"
	mke2fs -q -F -t ext4 "$outdir/ext4.img" >"$console.mke2fs" 2>&1 ||
		die "mke2fs of $outdir/ext4.img failed: $(cat "$console.mke2fs")"
	# One socket per vCPU: the vCPUs sit in two NUMA nodes, and CPUs that
	# shared a socket (an LLC) across nodes would trip topology_sane().
	"$qemu" "${machine[@]}" "${accel_arg[@]}" -smp "$vcpus,sockets=$vcpus" -m "$mem" \
		-display none -monitor none -serial "file:$console" -no-reboot \
		-drive "file=$outdir/swap.img,if=virtio,format=raw" \
		-drive "file=$outdir/ext4.img,if=virtio,format=raw" \
		-kernel "$kernel" -initrd "$initrd" -append "$cmdline $extra" \
		</dev/null >"$console.qemu" 2>&1 &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 1
		t=$((t + 1))
		if [ "$reached" = 0 ] && grep -q 'SPF-GUEST: init reached' "$console"; then
			reached=1
		fi
		if [ "$reached" = 0 ] && [ "$t" -ge "$itmo" ]; then
			kill_guest "$pid"
			return 2
		fi
		if [ "$t" -ge "$tmo" ]; then
			kill_guest "$pid"
			return 3
		fi
		if [ $((t % 60)) = 0 ]; then
			log "  guest running for ${t}s: $(grep -E '^# running|^(not )?ok ' "$console" | tail -1 | cut -c1-100)"
		fi
	done
	wait "$pid" || true
	rm -f "$outdir/swap.img" "$outdir/ext4.img"
	grep -q 'SPF-GUEST: init reached' "$console" || return 2
	return 0
}

kill_guest() {
	kill -TERM "$1" 2>/dev/null || true
	sleep 2
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
	rm -f "$outdir/swap.img" "$outdir/ext4.img"
}

if [ "$accel" = auto ]; then
	accel=tcg
	if [ -w /dev/kvm ]; then
		log "probing KVM with a short boot"
		if run_qemu kvm "$outdir/kvm-probe.log" 30 60 spf.probe=1; then
			accel=kvm
		else
			log "KVM probe never reached init: using TCG"
		fi
	fi
fi

log "booting $arch ($accel, $vcpus vCPUs, $mem): $(basename "$kernel"), console $outdir/console.log"
start=$SECONDS
set +e
run_qemu "$accel" "$outdir/console.log" "$init_timeout" "$timeout" ""
status=$?
set -e
{
	echo "ARCH=$arch"
	echo "ACCEL=$accel"
	echo "VCPUS=$vcpus"
	echo "MEM=$mem"
	echo "KERNEL=$kernel"
	echo "CMDLINE='$cmdline'"
	echo "SECONDS=$((SECONDS - start))"
	echo "STATUS=$status"
} >"$outdir/boot.env"
case "$status" in
0) log "guest powered off after $((SECONDS - start)) s" ;;
2) log "guest never reached init within ${init_timeout}s: killed. Console tail:" ;;
3) log "guest ran past ${timeout}s: killed. Console tail:" ;;
esac
if [ "$status" != 0 ]; then
	tail -n 25 "$outdir/console.log" | sed 's/^/  | /' >&2
	tail -n 5 "$outdir/console.log.qemu" | sed 's/^/  qemu: /' >&2
fi
exit "$status"
