/**
 * Commands that only read. Some are read-only whatever their arguments; others only
 * without certain options (a predicate returns why they are not, or null).
 */
export const ALWAYS_READ_ONLY = new Set([
  'ps', 'pstree', 'pgrep', 'pidof', 'pwdx', 'pmap', 'cat', 'tac', 'nl', 'head', 'tail', 'less', 'more', 'grep', 'egrep', 'fgrep', 'zgrep',
  'zcat', 'bzcat', 'xzcat', 'wc', 'cut', 'tr', 'column', 'paste', 'fold', 'fmt', 'expand', 'rev', 'ls', 'stat', 'file', 'readlink',
  'realpath', 'basename', 'dirname', 'du', 'df', 'free', 'uptime', 'vmstat', 'iostat', 'mpstat', 'pidstat', 'lsof', 'id', 'whoami',
  'groups', 'getent', 'w', 'who', 'last', 'lastlog', 'uname', 'lscpu', 'lsblk', 'lsmem', 'lspci', 'lsusb', 'lsns', 'lsipc', 'lslocks',
  'lsmod', 'nproc', 'ss', 'netstat', 'printenv', 'echo', 'printf', 'true', 'false', 'test', '[', ':', 'which', 'type', 'whereis',
  'hexdump', 'strings', 'md5sum', 'sha1sum', 'sha256sum', 'sha512sum', 'cksum', 'diff', 'cmp', 'comm', 'jq', 'yq', 'getconf',
  'sleep', 'seq', 'cd', 'pwd', 'cal', 'locale', 'tty', 'arch', 'systemd-cgls', 'systemd-cgtop', 'systemd-analyze', 'free', 'slabtop',
  'pstack', 'cgget', 'lscgroup', 'sync', 'timedatectl', 'hostnamectl', 'localectl', 'networkctl', 'resolvectl', 'findmnt', 'mount',
  'blkid', 'numastat', 'ulimit', 'unset', 'set', 'shopt', 'wait', 'jobs', 'times', 'help', 'man', 'apropos', 'declare',
  'typeset', 'local', 'export', 'readonly', 'let', 'read', 'iotop', 'atop', 'nvidia-smi', 'lsattr', 'dstat', 'tload',
  'sort', 'uniq', 'od', 'base64', 'xxd', 'awk', 'gawk', 'mawk', 'nawk', 'sed', 'find', 'top', 'htop', 'date', 'hostname', 'dmesg',
  'journalctl', 'ip', 'sysctl', 'prlimit', 'loginctl', 'machinectl', 'busctl', 'stty', 'numactl', 'fuser', 'tree', 'env',
]);

/** Why a nominally read-only command is not read-only with these arguments, or null. */
export function notReadOnly(name: string, args: readonly string[]): string | null {
  const has = (...opts: string[]) => args.some((a) => opts.some((o) => a === o || (o.startsWith('--') && a.startsWith(`${o}=`))));
  const shortHas = (letter: string) => args.some((a) => /^-[a-zA-Z]+$/.test(a) && a.includes(letter));
  switch (name) {
    case 'less':
    case 'more':
      return args.some((a) => a.startsWith('+') || a.startsWith('--lesskey')) ? `${name} +CMD runs pager commands at start, and ! in them runs a shell` : null;
    case 'man':
      return has('-P', '--pager', '-H', '--html', '--browser') || args.some((a) => /^-[a-zA-Z]*[PH]/.test(a)) ? 'man -P/-H runs another program as pager or browser' : null;
    case 'sort':
      if (args.some((a) => a.startsWith('--compress-program'))) return 'sort --compress-program runs another program';
      return has('-o', '--output') || args.some((a) => /^-[a-zA-Z]*o/.test(a)) ? 'sort -o writes a file' : null;
    case 'iotop':
      return has('-b', '--batch') || args.some((a) => /^-[a-zA-Z]*b/.test(a)) ? null : 'interactive iotop can change I/O priorities (i); use iotop -b -n 1';
    case 'nvidia-smi':
      return args.every((a) => /^(-q|--query.*|-L|--list-gpus|-i|\d+|--format=.*|-d|[A-Z,_]+|-x|--xml-format|-l|--loop=?.*|pmon|dmon|topo|-m)$/.test(a)) ? null : 'nvidia-smi can change GPU settings or reset a GPU';
    case 'timedatectl':
    case 'hostnamectl':
    case 'localectl':
    case 'networkctl':
    case 'resolvectl':
    case 'systemd-analyze': {
      const verb = args.find((a) => !a.startsWith('-'));
      const ok = verb === undefined || /^(status|show|list|query|statistics|show-cache|show-server-state|timesync-status|show-timesync|lldp|label|time|blame|critical-chain|plot|dot|dump|unit-files|unit-paths|calendar|timespan|timestamp|security|verify|condition|syscall-filter|filesystems|cat-config|log-level|log-target|service-watchdogs|inspect-elf|capability|exit-status|fdstore|image-policy|pcrs|srk|architectures|smbios11|has-tpm2|hostname|icon-name|chassis|deployment|location|domain|dns|llmnr|mdns|dnssec|dnsovertls|nta|service|openpgp|tlsa)/.test(verb);
      const setting = verb !== undefined && /^(log-level|log-target|service-watchdogs|hostname|icon-name|chassis|deployment|location|domain|dns|llmnr|mdns|dnssec|dnsovertls|nta)$/.test(verb) && args.filter((a) => !a.startsWith('-')).length > (name === 'resolvectl' ? 2 : 1);
      return ok && !setting ? null : `${name} ${verb ?? ''} changes system settings`;
    }
    case 'ss':
      return has('-K', '--kill') || args.some((a) => /^-[a-zA-Z]*K/.test(a)) ? 'ss -K closes (kills) the matching sockets' : null;
    case 'mount':
      return args.some((a) => !a.startsWith('-')) || has('-a', '--all') ? 'mounts a file system' : null;
    case 'uniq':
      return args.filter((a) => !a.startsWith('-')).length > 1 ? 'uniq with two file names writes the second' : null;
    case 'xxd':
      return shortHas('r') || args.filter((a) => !a.startsWith('-')).length > 1 ? 'xxd writes a file' : null;
    case 'awk':
    case 'gawk':
    case 'mawk':
    case 'nawk': {
      const program = args.find((a) => !a.startsWith('-'));
      if (has('-f', '--file') || args.some((a) => /^-[a-zA-Z]*f/.test(a))) return `${name} -f runs a program file procdoc cannot see`;
      if (program === undefined) return null;
      return /system|\||>|getline|print\s*>|fflush|close\(/.test(program) ? `the ${name} program runs commands or writes files (system, |, >, getline)` : null;
    }
    case 'sed': {
      if (has('-i', '--in-place') || args.some((a) => /^-[a-zA-Z]*i/.test(a) || a.startsWith('--in-place'))) return 'sed -i edits files in place';
      if (has('-f', '--file') || has('-e', '--expression')) {
        const scripts = args.filter((_a, i) => args[i - 1] === '-e' || args[i - 1] === '--expression');
        return scripts.every(safeSed) && !has('-f', '--file') ? null : 'the sed script may run commands (e) or write files (w)';
      }
      const script = args.find((a) => !a.startsWith('-'));
      return script === undefined || safeSed(script) ? null : 'the sed script may run commands (e) or write files (w); procdoc allows only simple print, delete and substitute scripts';
    }
    case 'find': {
      const bad = args.find((a) => ['-delete', '-exec', '-execdir', '-ok', '-okdir', '-fprint', '-fprint0', '-fprintf', '-fls'].includes(a));
      return bad !== undefined ? `find ${bad} changes files or runs commands` : null;
    }
    case 'top':
      return has('-b', '--batch') || args.some((a) => /^-[a-zA-Z]*b/.test(a)) ? null : 'interactive top can send signals (k) and renice (r); use top -b -n 1';
    case 'htop':
      return 'interactive htop can send signals and renice; use top -b -n 1 or ps';
    case 'date':
      return has('-s', '--set') || args.some((a) => /^\d{6,}/.test(a)) ? 'date -s sets the clock' : null;
    case 'hostname':
      return args.some((a) => !a.startsWith('-')) || has('-F', '--file', '-b', '--boot') ? 'sets the host name' : null;
    case 'dmesg':
      return has('-c', '-C', '-D', '-E', '-n', '--clear', '--read-clear', '--console-off', '--console-on', '--console-level') ? 'changes the kernel log or console' : null;
    case 'journalctl':
      return args.some((a) => /^--(vacuum-|rotate|flush|sync|relinquish-var|smart-relinquish-var|setup-keys|update-catalog)/.test(a)) ? 'changes or deletes the journal' : null;
    case 'ip': {
      if (has('-b', '-batch', '--batch', '-force')) return 'ip -batch runs ip commands from a file';
      const words = args.filter((a) => !a.startsWith('-'));
      const action = words[1];
      return action === undefined || ['show', 'list', 'ls', 'lst', 'get', 'sh', 's', 'l'].includes(action) ? null : `ip ${words[0] ?? ''} ${action} changes the network configuration`;
    }
    case 'sysctl':
      return has('-w', '--write', '-p', '--load', '--system') || args.some((a) => a.includes('=')) ? 'changes kernel settings' : null;
    case 'prlimit':
      return args.some((a) => /^--(core|data|fsize|memlock|rss|nofile|stack|cpu|nproc|as|locks|sigpending|msgqueue|nice|rtprio|rttime)=/.test(a) || /^-[cdefilmnqrstuvxy]\S/.test(a)) ? 'changes resource limits of a process' : null;
    case 'loginctl':
    case 'machinectl': {
      const verb = args.find((a) => !a.startsWith('-')) ?? 'list';
      return /^(list|show|status|session-status|user-status|seat-status|image-status|show-image|list-images|list-transfers)/.test(verb) ? null : `${name} ${verb} changes sessions or machines`;
    }
    case 'busctl': {
      const verb = args.find((a) => !a.startsWith('-')) ?? 'list';
      return ['list', 'status', 'tree', 'introspect', 'monitor', 'capture', 'get-property', 'help'].includes(verb) ? null : `busctl ${verb} calls or changes services on the bus`;
    }
    case 'stty':
      return args.every((a) => a === '-a' || a === '--all' || a === '-g' || a === 'size') ? null : 'changes terminal settings';
    case 'fuser':
      return has('-k', '--kill') || args.some((a) => /^-[a-zA-Z]*k/.test(a)) ? 'fuser -k kills every process that uses the file' : null;
    case 'numactl':
      return has('--hardware', '-H', '--show', '-s') ? null : 'numactl runs a command with a memory policy';
    case 'env':
      return args.length === 0 ? null : 'env runs a command';
    case 'export':
    case 'declare':
    case 'typeset':
    case 'readonly':
    case 'local':
      return null;
    default:
      return null;
  }
}

/** Print, delete, quit and substitute scripts without the e or w flags. */
function safeSed(script: string): boolean {
  return script
    .split(/[;\n]/)
    .map((s) => s.trim())
    .every(
      (s) =>
        s === '' ||
        /^(\d+|\$|\/[^/]*\/)?(,(\d+|\$|\/[^/]*\/))?\s*[pdqP=n]$/.test(s) ||
        /^(\d+|\$|\/[^/]*\/)?(,(\d+|\$|\/[^/]*\/))?\s*s(.)((?:(?!\4).)*)\4((?:(?!\4).)*)\4[gIip0-9]*$/.test(s),
    );
}

/** Read-only commands whose arguments, whatever they are, cannot make them act: xargs may feed them. */
export const ARGS_CANNOT_HURT = new Set(['echo', 'printf', 'cat', 'head', 'tail', 'grep', 'egrep', 'fgrep', 'wc', 'ls', 'stat', 'file', 'ps', 'pstree', 'readlink', 'realpath', 'basename', 'dirname', 'md5sum', 'sha256sum', 'pwdx', 'pmap', 'du', 'true']);
