#!/usr/bin/env bash
# Installs what procdoc's integration tests (test/) need on a Debian or Ubuntu machine.
# Idempotent: installs only missing packages, and runs apt-get update at most once.
#
#   systemd-container  systemd-nspawn, to boot a throw-away systemd (test/support/nspawn.ts)
#   systemd            the systemd that boots inside that container
#   cron               the real cron daemon (test/support/cron.ts)
#   util-linux         unshare, nsenter, mount (procs.ts, nspawn.ts, cron.ts)
#   bsdutils           script, for a real pseudo-terminal (pty.ts)
#   procps psmisc      ps, pkill, fuser, for people debugging a failed test by hand
#   coreutils bash     sleep, tail, timeout; the shell every helper runs
set -euo pipefail

packages=(systemd-container systemd cron util-linux bsdutils procps psmisc coreutils bash)

die() {
  echo "install-test-deps: $*" >&2
  exit 1
}

[ "$(uname -s)" = Linux ] || die "procdoc's integration tests need Linux (this is $(uname -s))."
command -v apt-get >/dev/null 2>&1 ||
  die "apt-get not found: install these packages with your distribution's package manager: ${packages[*]}"

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || die "run this as root, or install sudo (the tests themselves must also run as root)."
  sudo=(sudo)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [ "$status" = "install ok installed" ] || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-test-deps: all present (${packages[*]})"
else
  echo "install-test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  "${sudo[@]}" apt-get update -q || die "apt-get update failed: check the network and /etc/apt/sources.list."
  "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    die "apt-get install ${missing[*]} failed: see the messages above."
fi

# Tools the harness calls, checked after installing so that a broken install is caught here.
for tool in systemd-nspawn nsenter unshare script cron mount; do
  command -v "$tool" >/dev/null 2>&1 || die "$tool is still missing after installing: check the packages above."
done
[ -x /lib/systemd/systemd ] || [ -x /usr/lib/systemd/systemd ] || die "systemd (PID 1 for the nspawn container) is missing."

# Not packages, but the tests cannot run without them; say so now rather than mid-run.
if ! grep -qw cgroup /proc/filesystems || ! awk '$3 == "cgroup" { found = 1 } END { exit !found }' /proc/mounts; then
  echo "install-test-deps: note: no cgroup v1 hierarchy is mounted; test/harness/cgroups.test.ts and tests" >&2
  echo "  using createV1Cgroup need a host in cgroup v1 or hybrid mode." >&2
fi
echo "install-test-deps: done. Run the integration tests as root: npx vitest run --project integration"
