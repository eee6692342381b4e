import { posix } from 'node:path';
import { add, readOnly } from './acc.js';
import { each, type Call, type CommandTable } from './call.js';

// The system-administration family: mounts, swap, kernel modules, network, firewall, cron,
// users and packages. procdoc judges their targets no further than this.

/** Mount points the running system cannot do without: unmounting one, or making it read-only, breaks the machine. */
const VITAL_MOUNTS = new Set(['/', '/usr', '/var', '/etc', '/boot', '/proc', '/sys', '/dev', '/run', '/lib', '/bin', '/sbin']);

export function isVitalMount(path: string): boolean {
  return VITAL_MOUNTS.has(posix.normalize(path).replace(/(.)\/$/, '$1'));
}

function changes({ name, args, acc }: Call): void {
  add(acc, 'state-change', `${name} ${args.join(' ')} changes the system (${name === 'umount' ? 'processes using the mount fail' : 'configuration, modules, packages or users'}); procdoc does not judge it further.`);
}

function umount(call: Call): void {
  const { args, acc } = call;
  const vital = args.filter((a) => !a.startsWith('-')).find(isVitalMount);
  if (vital !== undefined) {
    return void add(acc, 'destructive', `umount ${args.join(' ')} takes away ${vital === '/' ? 'the root file system' : `${vital}, a file system the system runs from`}: programs, libraries and logins stop working (with -l at once for every new lookup). No process problem needs it; find what holds a mount with fuser -vm or lsof.`);
  }
  changes(call);
}

function crontab(call: Call): void {
  const { args, acc } = call;
  if (args.includes('-l')) return readOnly(acc, 'crontab -l');
  if (args.includes('-r')) return void add(acc, 'destructive', 'crontab -r deletes every cron job of the user without asking.');
  changes(call);
}

export const ADMIN_COMMANDS: CommandTable = {
  umount,
  crontab,
  ...each(['swapoff', 'swapon', 'rmmod', 'insmod', 'modprobe', 'ifdown', 'ifup', 'ufw', 'sysrq', 'useradd', 'userdel', 'usermod', 'passwd', 'apt', 'apt-get', 'dnf', 'yum', 'pip', 'npm'], changes),
};
