#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build a debug kernel for the QEMU tests from Debian's linux-source-6.1:
# defconfig + kvm_guest.config + the sanitizers and lock checkers (KASAN
# inline, UBSAN, lockdep/PROVE_LOCKING, PROVE_RCU, DEBUG_ATOMIC_SLEEP,
# kmemleak without auto scan, DEBUG_LIST), what cgaddr and the tests use
# (kprobes, dynamic ftrace with regs/args, cgroup v2, net/user namespaces,
# veth, dummy, IPv6, devtmpfs) and no BPF at all (BPF_SYSCALL=n,
# CGROUP_BPF=n): it proves cgaddr needs nothing of the BPF subsystem.
# Drivers, sound, DRM, wireless, file systems the tests do not use are
# dropped so that it builds in a reasonable time on 2 cores.
#
#   scripts/debug-kernel.sh            build (if not cached) and print the dir
#   scripts/debug-kernel.sh --dir      print the cached dir (no build)
#   scripts/debug-kernel.sh --config   print the .config the build would use
#   JOBS=N (default 2), NICE=N (default 19)
#
# The result is cached outside the repository, keyed by a hash of the
# final .config, in the layout of scripts/kernels.sh:
#   $CACHE/kernels/debug-HASH/
#       obj/       the O= build tree (has Module.symvers; make -C it M=...)
#       build      symlink to obj (the out-of-tree module build tree)
#       vmlinuz    symlink to obj/arch/x86/boot/bzImage
#       modules    modules_install output (lib/modules/KREL; everything
#                  the tests need is built in, so it holds little)
#       krel       the kernel release string
#       make-args  extra make arguments (empty)
#       build.log  the build's output; build-time: seconds of wall time
#       ready      stamp written last
#   $CACHE/kernels/debug -> debug-HASH   (what `scripts/kernels.sh --dir debug` prints)
# The unpacked source is shared: $CACHE/kernels/debug-src/linux-source-6.1.
set -euo pipefail

CACHE=${CGADDR_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cgaddr}
TARBALL=${TARBALL:-/usr/src/linux-source-6.1.tar.xz}
JOBS=${JOBS:-2}
NICE=${NICE:-19}
KDIRS=$CACHE/kernels
SRCBASE=$KDIRS/debug-src

die() { echo "debug-kernel.sh: $*" >&2; exit 1; }
say() { echo "debug-kernel.sh: $*" >&2; }

mode=build
case "${1:-}" in
--dir) mode=dir ;;
--config) mode=config ;;
-h|--help) sed -n '4,32p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
"") ;;
*) die "unknown argument $1" ;;
esac

if [ "$mode" = dir ]; then
	[ -e "$KDIRS/debug/ready" ] || die "no debug kernel built yet (run $0)"
	readlink -f "$KDIRS/debug"
	exit 0
fi

[ -r "$TARBALL" ] || die "$TARBALL missing (apt-get install linux-source-6.1)"
for t in gcc make flex bison bc perl xz; do
	command -v "$t" >/dev/null || die "$t missing (apt-get install build-essential flex bison bc libelf-dev libssl-dev)"
done

# ---- the source, unpacked once ---------------------------------------------
stamp=$(stat -c '%s-%Y' "$TARBALL")
src=$SRCBASE/linux-source-6.1
if [ "$(cat "$SRCBASE/stamp" 2>/dev/null)" != "$stamp" ] || [ ! -f "$src/Makefile" ]; then
	say "unpacking $TARBALL"
	rm -rf "$SRCBASE"; mkdir -p "$SRCBASE"
	tar -C "$SRCBASE" -xJf "$TARBALL"
	[ -f "$src/Makefile" ] || die "unexpected tarball layout (no linux-source-6.1/Makefile)"
	echo "$stamp" > "$SRCBASE/stamp"
fi

# ---- the configuration -----------------------------------------------------
# y: set, n: unset, m: module, anything else: a value (strings quoted).
FRAGMENT='
LOCALVERSION="-cgaddr-debug"
LOCALVERSION_AUTO=n
DEBUG_INFO_NONE=y
DEBUG_INFO=n
MODULES=y
MODULE_UNLOAD=y
MODULE_FORCE_UNLOAD=n
MODULE_SIG=n
MODVERSIONS=n
KALLSYMS=y
KALLSYMS_ALL=y
BLK_DEV_INITRD=y
RD_GZIP=y
DEVTMPFS=y
DEVTMPFS_MOUNT=y
TMPFS=y
DEBUG_FS=y
PROC_FS=y
SYSFS=y
SERIAL_8250=y
SERIAL_8250_CONSOLE=y
SERIAL_8250_NR_UARTS=4
SERIAL_8250_RUNTIME_UARTS=4

BPF_SYSCALL=n
CGROUP_BPF=n
BPF_JIT=n
BPF_LSM=n
BPF_EVENTS=n
DEBUG_INFO_BTF=n
NET_CLS_BPF=n
NET_ACT_BPF=n
BPFILTER=n
LWTUNNEL_BPF=n

KPROBES=y
FTRACE=y
FUNCTION_TRACER=y
FUNCTION_GRAPH_TRACER=y
DYNAMIC_FTRACE=y
DYNAMIC_FTRACE_WITH_REGS=y
DYNAMIC_FTRACE_WITH_ARGS=y
KPROBE_EVENTS=y
FTRACE_STARTUP_TEST=n
FTRACE_RECORD_RECURSION=n
FTRACE_SORT_STARTUP_TEST=n
TASKS_RCU=y

CGROUPS=y
MEMCG=y
CGROUP_SCHED=y
FAIR_GROUP_SCHED=y
CGROUP_PIDS=y
CGROUP_FREEZER=y
CPUSETS=y
CGROUP_DEVICE=y
CGROUP_CPUACCT=y
CGROUP_NET_PRIO=y
CGROUP_NET_CLASSID=y
SOCK_CGROUP_DATA=y
NAMESPACES=y
NET_NS=y
USER_NS=y
PID_NS=y
UTS_NS=y
IPC_NS=y

NET=y
INET=y
IPV6=y
PACKET=y
UNIX=y
NETDEVICES=y
NET_CORE=y
DUMMY=y
VETH=y
TUN=n
NETFILTER=n
WIRELESS=n
WLAN=n
CFG80211=n
MAC80211=n
RFKILL=n
BT=n
NFC=n
ETHERNET=n
VIRTIO_NET=y
NET_SCHED=n
WAN=n
IP_PNP=n
NFS_FS=n
ROOT_NFS=n
NETWORK_FILESYSTEMS=n
9P_FS=n
NET_9P=n
IP_MULTICAST=y
XFRM_USER=n
INET_AH=n
INET_ESP=n
INET_IPCOMP=n
IPV6_SIT=n
IPV6_TUNNEL=n
NET_IPIP=n
NET_IPGRE_DEMUX=n
DNS_RESOLVER=n

SOUND=n
SND=n
DRM=n
FB=n
AGP=n
VGA_ARB=n
USB_SUPPORT=n
USB=n
HID=n
INPUT_JOYSTICK=n
INPUT_TABLET=n
INPUT_TOUCHSCREEN=n
INPUT_MISC=n
INPUT_MOUSE=n
MEDIA_SUPPORT=n
I2C=n
HWMON=n
THERMAL=n
WATCHDOG=n
MMC=n
MEMSTICK=n
NEW_LEDS=n
ACCESSIBILITY=n
INFINIBAND=n
EDAC=n
RTC_CLASS=y
DMADEVICES=n
AUXDISPLAY=n
STAGING=n
CHROME_PLATFORMS=n
SURFACE_PLATFORMS=n
X86_PLATFORM_DEVICES=n
IOMMU_SUPPORT=n
VIRT_DRIVERS=n
MD=n
ATA=n
SCSI=n
BLK_DEV_SD=n
BLK_DEV_SR=n
CHR_DEV_SG=n
FUSION=n
MACINTOSH_DRIVERS=n
PCCARD=n
PCMCIA=n
CARDBUS=n
YENTA=n
PHYLIB=n
MDIO_DEVICE=n
FIREWIRE=n
NVME_CORE=n
BLK_DEV_NVME=n
BLK_DEV_LOOP=n
EXT4_FS=n
EXT2_FS=n
EXT3_FS=n
ISO9660_FS=n
MSDOS_FS=n
VFAT_FS=n
FAT_FS=n
AUTOFS_FS=n
QUOTA=n
FANOTIFY=n
HUGETLBFS=y
EFI=n
HIBERNATION=n
SUSPEND=n
PM=n
ACPI=y
CPU_FREQ=n
CPU_IDLE=y
MTRR=y
XEN=n
HYPERV=n
KVM_GUEST=y
PARAVIRT=y
DRM_VIRTIO_GPU=n
VIRTIO_INPUT=n
HW_RANDOM=n
SECURITY_SELINUX=n
AUDIT=n
PROFILING=n
PERF_EVENTS=y
KEXEC=n
CRASH_DUMP=n
MICROCODE=n
LOGO=n
SECURITY=n

KASAN=y
KASAN_GENERIC=y
KASAN_INLINE=y
KASAN_OUTLINE=n
KASAN_VMALLOC=y
KASAN_STACK=y
UBSAN=y
UBSAN_BOUNDS=y
UBSAN_SHIFT=y
UBSAN_DIV_ZERO=y
UBSAN_BOOL=y
UBSAN_ENUM=y
UBSAN_SANITIZE_ALL=y
UBSAN_TRAP=n
TEST_UBSAN=n
DEBUG_KERNEL=y
LOCKDEP=y
PROVE_LOCKING=y
PROVE_RCU=y
PROVE_RCU_LIST=y
DEBUG_LOCK_ALLOC=y
DEBUG_SPINLOCK=y
DEBUG_MUTEXES=y
DEBUG_RWSEMS=y
DEBUG_ATOMIC_SLEEP=y
DEBUG_KMEMLEAK=y
DEBUG_KMEMLEAK_AUTO_SCAN=n
DEBUG_KMEMLEAK_DEFAULT_OFF=n
DEBUG_KMEMLEAK_MEM_POOL_SIZE=40000
DEBUG_LIST=y
DEBUG_OBJECTS=n
LOCKUP_DETECTOR=y
SOFTLOCKUP_DETECTOR=y
DETECT_HUNG_TASK=y
DEFAULT_HUNG_TASK_TIMEOUT=300
RCU_CPU_STALL_TIMEOUT=60
PANIC_ON_OOPS=n
FRAME_POINTER=y
UNWINDER_ORC=y
STACK_VALIDATION=y
'

cfgtool=$src/scripts/config
work=$KDIRS/debug-config.$$
cleanup() { rm -rf "$work"; }
trap cleanup EXIT
rm -rf "$work"; mkdir -p "$work"

mk() { nice -n "$NICE" make -C "$src" O="$1" "${@:2}"; }

apply_fragment() {
	local cfg=$1/.config line k v
	while read -r line; do
		case "$line" in ''|\#*) continue ;; esac
		k=${line%%=*}; v=${line#*=}
		case "$v" in
		y) "$cfgtool" --file "$cfg" --enable "$k" ;;
		n) "$cfgtool" --file "$cfg" --disable "$k" ;;
		m) "$cfgtool" --file "$cfg" --module "$k" ;;
		\"*) v=${v#\"}; v=${v%\"}; "$cfgtool" --file "$cfg" --set-str "$k" "$v" ;;
		*) "$cfgtool" --file "$cfg" --set-val "$k" "$v" ;;
		esac
	done <<< "$FRAGMENT"
}

make_config() {
	local o=$1 k v got
	mk "$o" -s defconfig >/dev/null
	mk "$o" -s kvm_guest.config >/dev/null
	apply_fragment "$o"
	mk "$o" -s olddefconfig >/dev/null
	# Twice: some options only appear once their parents are set.
	apply_fragment "$o"
	mk "$o" -s olddefconfig >/dev/null
	# The options that define this kernel must have stuck.
	for k in KASAN KASAN_INLINE UBSAN PROVE_LOCKING PROVE_RCU DEBUG_ATOMIC_SLEEP \
		 DEBUG_KMEMLEAK DEBUG_LIST KPROBES FUNCTION_TRACER DYNAMIC_FTRACE \
		 DYNAMIC_FTRACE_WITH_REGS CGROUPS NET_NS USER_NS VETH DUMMY IPV6 DEVTMPFS; do
		grep -q "^CONFIG_$k=y" "$o/.config" || die "CONFIG_$k did not stay =y"
	done
	for k in BPF_SYSCALL CGROUP_BPF DEBUG_KMEMLEAK_AUTO_SCAN; do
		! grep -q "^CONFIG_$k=y" "$o/.config" || die "CONFIG_$k did not stay off"
	done
}

make_config "$work"
if [ "$mode" = config ]; then
	cat "$work/.config"
	exit 0
fi
hash=$(grep '^CONFIG_' "$work/.config" | sha256sum | cut -c1-12)
dir=$KDIRS/debug-$hash
if [ -f "$dir/ready" ]; then
	ln -sfn "debug-$hash" "$KDIRS/debug"
	say "cached: $dir"
	echo "$dir"
	exit 0
fi

say "building debug-$hash with make -j$JOBS at nice $NICE (log: $dir/build.log)"
rm -rf "$dir"; mkdir -p "$dir/obj"
cp "$work/.config" "$dir/obj/.config"
start=$(date +%s)
if ! mk "$dir/obj" -j"$JOBS" olddefconfig bzImage modules > "$dir/build.log" 2>&1; then
	tail -n 40 "$dir/build.log" >&2
	die "build failed (see $dir/build.log)"
fi
krel=$(mk "$dir/obj" -s kernelrelease)
mkdir -p "$dir/modroot"
mk "$dir/obj" -s INSTALL_MOD_PATH="$dir/modroot" modules_install >> "$dir/build.log" 2>&1 ||
	die "modules_install failed (see $dir/build.log)"
mkdir -p "$dir/modroot/lib/modules/$krel/kernel"
end=$(date +%s)
echo "$krel" > "$dir/krel"
ln -sfn "obj/arch/x86/boot/bzImage" "$dir/vmlinuz"
ln -sfn obj "$dir/build"
ln -sfn "modroot/lib/modules/$krel" "$dir/modules"
: > "$dir/make-args"
echo $((end - start)) > "$dir/build-time"
cp "$dir/obj/.config" "$dir/config"
date -u +%FT%TZ > "$dir/ready"
ln -sfn "debug-$hash" "$KDIRS/debug"
say "$krel built in $((end - start)) s: $dir"
echo "$dir"
