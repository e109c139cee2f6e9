#!/usr/bin/env bash
# vm-flags-stores.sh finds each form of direct store to vm_flags in the
# converted directories, and only there; the helpers, reads, comparisons
# and the same-named fields of other structures pass. Runs on a small git
# tree of its own (KERNEL_SRC), never the kernel tree. Prints TAP.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# shellcheck source=SCRIPTDIR/tap.sh
. "$here/tap.sh"

tree=$tmp/linux
mkdir -p "$tree/mm" "$tree/drivers" "$tree/fs/proc"
git -C "$tree" init -q -b spf
# commit FILE TEXT: a tree whose FILE holds TEXT, on the branch spf.
commit() {
	printf '%s\n' "$2" >"$tree/$1"
	git -C "$tree" add -A
	git -C "$tree" -c user.name=t -c user.email=t@t commit -q -m "$1" --allow-empty
}
check() { KERNEL_SRC=$tree "$top/scripts/vm-flags-stores.sh" >"$tmp/out" 2>&1; }
# expect RC NAME: the check of the current tree exits RC.
expect() {
	local rc=0
	check || rc=$?
	if [ "$rc" = "$1" ]; then tap 1 "$2"; else tap 0 "$2"; sed 's/^/# /' "$tmp/out"; fi
}

echo "1..11"
commit mm/a.c '	vm_flags_set(vma, VM_LOCKED);
	if (vma->vm_flags & VM_LOCKED)
		return vma->vm_flags == flags;
	pra->vm_flags |= VM_LOCKED;
	region->vm_flags = vma->vm_flags;'
expect 0 "helpers, reads, comparisons and other structures' vm_flags pass"
commit drivers/d.c '	vma->vm_flags |= VM_IO;'
expect 0 "a driver may store directly"
for form in '= flags' '|= VM_IO' '&= ~VM_IO' '^= VM_IO'; do
	commit mm/b.c "	vma->vm_flags $form;"
	expect 1 "a direct store 'vm_flags $form' in mm/ fails"
done
tap "$(grep -q '^mm/b.c:1:' "$tmp/out" && echo 1)" "the failure names the file and line"
commit mm/b.c '	WRITE_ONCE(vma->vm_flags, flags);'
expect 1 "WRITE_ONCE() of vm_flags fails"
commit mm/b.c '	copy.vm_flags = 0;'
expect 1 "a store through '.' fails"
rm "$tree/mm/b.c"
commit fs/proc/c.c '		tmp->vm_flags &= ~VM_SOFTDIRTY;'
expect 1 "a direct store in fs/proc/ fails"
rc=0
KERNEL_SRC=$tree "$top/scripts/vm-flags-stores.sh" refs/heads/none >"$tmp/out" 2>&1 || rc=$?
tap "$([ "$rc" != 0 ] && grep -q "no commit 'refs/heads/none'" "$tmp/out" && echo 1)" "an unknown ref is refused"
[ "$fails" = 0 ]
