#!/usr/bin/env bash
# Builds the Linux guest that the interop tests boot under qemu: a Debian "cloud" kernel plus an
# initramfs holding busybox, the kernel's NVMe/TCP host driver (and its target, nvmet-tcp, for
# reference runs), nvme-cli, fio, mke2fs and resize2fs, xfsprogs, and util-linux's mount, umount,
# mountpoint, blkid, blockdev and findmnt (the CSI node service's host commands; busybox's are not
# enough: its mount has no --bind, its blkid no -p), and socat (csi-program.sh's socket relay).
# Everything comes from Debian packages.
#
#   build-guest.sh KERNEL        KERNEL is 6.1 or 6.12; prints the guest directory when done
#
# The guest lands in $BASALT_GUEST_CACHE/KERNEL (default ${XDG_CACHE_HOME:-~/.cache}/basalt/linux-guest)
# and is rebuilt only when this script changes. Missing tools are installed with apt-get when
# running as root; otherwise the script stops and names the packages to install.
set -euo pipefail

die() { echo "build-guest: $*" >&2; exit 1; }

kernel=${1:-}
case $kernel in
  6.1)  image_meta=linux-image-cloud-amd64 ;;        # Debian 12's own kernel
  6.12) image_meta=linux-image-6.12-cloud-amd64 ;;   # bookworm-security / bookworm-backports
  *) echo "usage: build-guest.sh 6.1|6.12" >&2; exit 2 ;;
esac

cache_root=${BASALT_GUEST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/basalt/linux-guest}
out=$cache_root/$kernel
stamp="$(sha256sum "$0" | cut -c1-16) $kernel"
if [ -s "$out/vmlinuz" ] && [ -s "$out/initramfs.gz" ] && [ "$(cat "$out/stamp" 2>/dev/null)" = "$stamp" ]; then
  echo "$out"; exit 0
fi

# --- host tools: command -> Debian package that provides it
tools="qemu-system-x86_64:qemu-system-x86 cpio:cpio depmod:kmod xz:xz-utils nvme:nvme-cli fio:fio
       mke2fs:e2fsprogs resize2fs:e2fsprogs lsblk:util-linux blkdiscard:util-linux blkid:util-linux
       blockdev:util-linux mountpoint:util-linux findmnt:util-linux mount:mount umount:mount
       mkfs.xfs:xfsprogs xfs_growfs:xfsprogs socat:socat apt-get:apt dpkg-deb:dpkg"
missing_pkgs() {
  local t pkgs=""
  for t in $tools; do
    command -v "${t%%:*}" >/dev/null 2>&1 || pkgs="$pkgs ${t#*:}"
  done
  # the guest needs a statically linked busybox with the ip applet (busybox-static, not busybox)
  if ! { [ -x /bin/busybox ] && ! ldd /bin/busybox >/dev/null 2>&1 && /bin/busybox --list | grep -x ip >/dev/null; }; then
    pkgs="$pkgs busybox-static"
  fi
  echo $pkgs | tr ' ' '\n' | sort -u | tr '\n' ' '
}
need=$(missing_pkgs)
if [ -n "${need// /}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "build-guest: installing $need" >&2
    apt-get update -qq >&2 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $need >&2 \
      || die "apt-get install failed; install these Debian packages: $need"
    need=$(missing_pkgs)
  fi
  [ -z "${need// /}" ] || die "missing tools; as root run: apt-get install -y $need"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/basalt-guest.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- kernel: the meta package depends on the versioned image package we download
image_pkg=$(apt-cache depends "$image_meta" 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ {print $2; exit}')
[ -n "$image_pkg" ] || die "apt does not know $image_meta; run 'apt-get update' (Debian 12 gets 6.12 from bookworm-security or bookworm-backports)"
(cd "$work" && apt-get download "$image_pkg" > apt.log 2>&1) \
  || { cat "$work/apt.log" >&2; die "cannot download $image_pkg with apt-get download"; }
dpkg-deb -x "$work"/"$image_pkg"_*.deb "$work/pkg"
release=$(ls "$work/pkg/lib/modules")
kmods=$work/pkg/lib/modules/$release
depmod -b "$work/pkg" "$release"   # the package ships no modules.dep; postinst would write it

root=$work/root
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc/nvme,proc,sys,dev,tmp,run,mnt,root,guest,lib/modules/"$release"}

# --- busybox provides the shell and the small tools; each applet goes where busybox says it lives
cp /bin/busybox "$root/bin/busybox"
/bin/busybox --list-full | while read -r applet; do
  [ -e "$root/$applet" ] || ln -s /bin/busybox "$root/$applet"
done

# --- dynamically linked tools, with the shared libraries they load
copy_binary() {
  local bin=$1 lib
  cp -L "$bin" "$root/usr/bin/"
  for lib in $(ldd "$bin" | grep -o '/[^ )]*'); do
    [ -e "$root$lib" ] || { mkdir -p "$root$(dirname "$lib")"; cp -L "$lib" "$root$lib"; }
  done
}
for t in nvme fio mke2fs resize2fs lsblk blkdiscard blkid blockdev mountpoint findmnt mount umount mkfs.xfs xfs_growfs socat; do
  rm -f "$root/usr/bin/$t" "$root/bin/$t" "$root/sbin/$t" "$root/usr/sbin/$t"   # prefer the real tool to busybox's
  copy_binary "$(command -v $t)"
done
ln -sf mke2fs "$root/usr/bin/mkfs.ext4"
[ -f /etc/mke2fs.conf ] && cp /etc/mke2fs.conf "$root/etc/"

# --- kernel modules: the ones we ask for plus everything they depend on, uncompressed so that
# busybox modprobe can load them; depmod then writes a modules.dep for the guest.
wanted="virtio_pci virtio_net crc32c_generic crc32c-intel nvme-tcp nvmet-tcp ext4 xfs loop brd"
declare -A seen=()
add_module() {
  local name=${1//-/_} entry rel dep
  entry=$(awk -F: -v n="$name" '{ f = $1; sub(/.*\//, "", f); sub(/\.ko(\.[a-z]+)?$/, "", f); gsub(/-/, "_", f)
                                  if (f == n) { print; exit } }' "$kmods/modules.dep")
  [ -n "$entry" ] || return 0   # built into the kernel, or not available: nothing to copy
  rel=${entry%%:*}
  [ -z "${seen[$rel]:-}" ] || return 0
  seen[$rel]=1
  for dep in ${entry#*:}; do
    dep=${dep##*/}; add_module "${dep%%.ko*}"
  done
  mkdir -p "$root/lib/modules/$release/$(dirname "$rel")"
  case $rel in
    *.xz)  xz -dc "$kmods/$rel"   > "$root/lib/modules/$release/${rel%.xz}" ;;
    *.zst) zstd -qdc "$kmods/$rel" > "$root/lib/modules/$release/${rel%.zst}" ;;
    *)     cp "$kmods/$rel" "$root/lib/modules/$release/$rel" ;;
  esac
}
for m in $wanted; do add_module "$m"; done
cp "$kmods"/modules.{builtin,builtin.modinfo,order} "$root/lib/modules/$release/" 2>/dev/null || true
depmod -b "$root" "$release"

# --- /init: set the guest up, run /guest/run, report its exit status on the console, power off
cat > "$root/init" <<'INIT'
#!/bin/sh
export PATH=/usr/bin:/usr/sbin:/bin:/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
for m in virtio_pci virtio_net crc32c_generic crc32c_intel nvme_tcp nvmet_tcp ext4 xfs loop brd; do
  modprobe -q $m 2>/dev/null
done
mount -t configfs configfs /sys/kernel/config 2>/dev/null
# a fresh host identity on every boot, as a newly installed host would have
id=$(cat /proc/sys/kernel/random/uuid)
echo "$id" > /etc/nvme/hostid
echo "nqn.2014-08.org.nvmexpress:uuid:$id" > /etc/nvme/hostnqn
ip link set lo up
ip link set eth0 up
ip addr add 10.0.2.15/24 dev eth0
ip route add default via 10.0.2.2
[ -f /guest/env ] && . /guest/env
echo   # the BIOS may have left a line unfinished
echo "BASALT-GUEST-READY $(uname -r) $(cat /etc/nvme/hostnqn)"
status=127
if [ -f /guest/run ]; then
  (cd /guest && sh /guest/run)
  status=$?
fi
if [ "$status" != 0 ]; then
  echo "--- guest kernel log, last 80 lines"
  dmesg | tail -n 80
fi
# no sync: nothing here outlives the guest, and a sync can block forever on a target that went away
echo "BASALT-GUEST-EXIT $status"
poweroff -f
INIT
chmod 755 "$root/init"

# --- publish atomically, so a half-built guest is never used
staging=$out.tmp.$$
rm -rf "$staging"; mkdir -p "$staging"
cp "$work"/pkg/boot/vmlinuz-* "$staging/vmlinuz"
(cd "$root" && find . -print | LC_ALL=C sort | cpio -o -H newc --quiet | gzip -1) > "$staging/initramfs.gz"
echo "$release" > "$staging/kernel-release"
echo "$stamp" > "$staging/stamp"
rm -rf "$out"; mv "$staging" "$out"
echo "build-guest: kernel $release ready" >&2
echo "$out"
