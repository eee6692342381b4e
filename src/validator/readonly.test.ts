import { beforeAll, describe, expect, test } from 'vitest';
import { validatorHost } from './testing.js';
import { loadValidator, type Validator } from './index.js';
import { TOOLS, specOptions } from './readonly/grammars.js';

let validator: Validator;
beforeAll(async () => {
  validator = await loadValidator();
});

const check = (command: string) => validator.check(command, validatorHost());
const ids = (command: string) => check(command).rules.map((r) => r.id);

// Read-only spellings: each must be allowed.
const ALLOWED = [
  'ps aux', 'ps -eo pid,comm --sort=-rss', 'pstree -p 1', 'pgrep -af nginx', 'pidof nginx', 'pwdx 1100', 'pmap -x 1100',
  'cat -A /etc/hosts', 'tac /var/log/syslog', 'nl -ba /etc/hosts', 'head -5 /etc/hosts', 'head -n 5 /etc/hosts', 'head /etc/hosts -n5', 'tail -f /var/log/syslog', 'tail -n +5 -F /x', 'tail --pid=1100 -f /x',
  'less -R /var/log/syslog', 'less +G /x', 'more +10 /x', 'grep -rn foo /etc', 'grep -e -x /etc/hosts', 'grep -A3 -B 2 -C1 x f', 'grep --colour=always x f', 'egrep -i "a|b" f', 'zgrep x f.gz', 'zcat f.gz', 'xzcat f.xz', 'bzcat f.bz2',
  'wc -l /etc/passwd', "cut -d: -f1 /etc/passwd", 'tr -s " "', 'column -t', 'paste -sd+', 'fold -w 80 f', 'fmt -72 f', 'expand -t 4 f', 'rev f',
  'ls -la /proc/1100/fd', 'ls --sort=size -lhr', 'stat -c %s f', 'file -b f', 'readlink -f /proc/1100/exe', 'realpath .', 'basename /a/b', 'dirname /a/b',
  'du -sh /var/log', 'du -d1 -x /', 'df -hT', 'free -m', 'uptime', 'vmstat 1 5', 'iostat -xz 1 3', 'mpstat -P ALL 1 1', 'pidstat -d 1 1', 'lsof -p 1100', 'lsof -i :80 -nP',
  'id -un', 'whoami', 'groups', 'getent passwd root', 'w', 'who -b', 'last -n 5', 'last -5', 'lastlog -u root', 'uname -a', 'lscpu', 'lsblk -f', 'lsmem', 'lspci -v', 'lsusb -t', 'lsns -t net', 'lsipc', 'lslocks', 'lsmod', 'nproc',
  'ss -tlnp', 'ss -s', 'netstat -tulpn', 'printenv PATH', 'which -a ls', 'whereis ls', 'hexdump -C f', 'strings -n 8 f', 'md5sum f', 'sha256sum -c f', 'cksum f', 'diff -u a b', 'cmp a b', 'comm -12 a b',
  'jq .a f', 'yq .a f.yaml', 'getconf PAGESIZE', 'sleep 1', 'seq 1 10', 'cal', 'locale', 'tty', 'arch', 'systemd-cgls', 'systemd-cgtop -b -n 1', 'systemd-analyze blame', 'systemd-analyze', 'systemd-analyze log-level',
  'slabtop -o', 'cgget -g cpu /', 'lscgroup', 'sync', 'timedatectl', 'timedatectl status', 'hostnamectl', 'localectl status', 'networkctl list', 'resolvectl status', 'resolvectl dns eth0', 'findmnt -T /', 'mount', 'mount -t ext4', 'blkid', 'numastat -m',
  'man 7 signal', 'apropos kill', 'iotop -b -n 1', 'atop -P ALL 1 1', 'nvidia-smi', 'nvidia-smi -q', 'nvidia-smi --query-gpu=name --format=csv', 'lsattr f', 'dstat 1 5', 'tload -d 1',
  'sort -rn f', 'sort -k2,2 -t: f', 'sort -T /tmp f', 'uniq -c', 'uniq -c f', 'od -An -tx1 f', 'base64 -d f', 'xxd f', 'xxd -c 16 f', 'xxd -r f',
  "awk '{print $1}' f", "awk -F: '$3 > 100 {print $1}' /etc/passwd", "awk -v x=1 'NR==x' f", 'gawk --version', "sed -n '1,5p' f", "sed -e 's/a/b/g' -e 3d f", "sed -E 's/(a)/\\1/' f", 'sed --sandbox -n 1p f',
  'find /proc/1100/fd -type l', 'find / -name -exec', 'find . -maxdepth 1 -newer f -print', 'top -b -n 1', 'top -bn1', 'date', 'date +%s', 'date -d yesterday +%F', 'hostname', 'hostname -f', 'dmesg -T', 'dmesg --level=err',
  'journalctl -u nginx -n 50', 'journalctl -b -1 --no-pager', 'journalctl --disk-usage', 'ip addr', 'ip -s link show', 'ip -n ns route show', 'ip route get 1.1.1.1', 'ip -br a', 'ip monitor', 'ip netns list',
  'sysctl vm.swappiness', 'sysctl -a', 'loginctl', 'loginctl list-sessions', 'machinectl list', 'busctl list', 'busctl tree', 'stty -a', 'stty size', 'fuser -vm /home', 'tree -L 2 /etc', 'tree -a -d',
  'iptables -L', 'iptables -L -n -v', 'iptables -nvL INPUT', 'iptables -t nat -S', 'iptables -L INPUT --line-numbers -x', 'ip6tables -S', 'iptables-save', 'iptables-save -t filter', 'nft list ruleset', 'nft -a list table inet filter',
  'git status', 'git log --oneline -5', 'git -C /work/main log -1', 'git diff HEAD~1', 'git show HEAD', 'git blame f', 'git rev-parse HEAD', 'git branch', 'git branch --list', 'git branch -a -v', 'git ls-files', 'git describe --tags',
  'git shortlog -sn', 'git reflog', 'git reflog show', 'git remote -v', 'git config --get user.name', 'git config --list', 'git config user.name', 'git tag', 'git tag --list v1*', 'git stash list', 'git --no-pager log', 'git --version',
];

// Dangerous spellings: each must not be allowed (and must not be 'read-only').
const REFUSED = [
  'sort -o /tmp/x f', 'sort -uo /tmp/x f', 'sort -uo/tmp/x f', 'sort --out=/tmp/x f', 'sort --output /tmp/x f', 'sort f -o /tmp/x', 'sort --compress-program=sh f', 'sort --compress=sh f', 'sort --d f',
  'tree -o /tmp/x', 'tree -ao /tmp/x', 'tree . -o /tmp/x', 'ss -D /tmp/x', 'ss -tD/tmp/x', 'ss --diag=/tmp/x', 'ss --di /tmp/x', 'ss -K dst 1.2.3.4', 'ss -tK', 'ss --kill', 'ss --foo',
  'atop -w /tmp/x 1', 'atop', 'dstat --output /tmp/x', 'dstat --out=/tmp/x', 'journalctl --cursor-file=/tmp/x', 'journalctl --cursor-f /tmp/x', 'journalctl --vacuum-size=1M', 'journalctl --vac=1M', 'journalctl --rotate', 'journalctl --flush',
  'lastlog -C -u root', 'lastlog --clear', 'lastlog -S', 'pmap -n 1100', 'pmap -N /tmp/x 1100',
  "gawk -i inplace '{print}' f", "gawk -iinplace '{print}' f", "gawk --include=inplace '{print}' f", "gawk --incl inplace '{print}' f", "gawk -W include=inplace '{print}' f", "awk -f prog.awk f", "awk -fprog.awk f", "awk -l ext '{}'", "awk -E prog f", "awk --source 'BEGIN{system(\"id\")}'", "awk --sou 'BEGIN{system(\"id\")}'",
  "awk '@load \"filefuncs\"; BEGIN{}'", "awk 'BEGIN{f=\"system\"; @f(\"id\")}'", "awk -v x=1 'BEGIN{system(\"reboot\")}'", "awk -F: 'BEGIN{system(\"reboot\")}'", "awk '{print > \"/tmp/x\"}' f", "awk '{print | \"sh\"}' f", "awk '{\"id\" | getline x}'", "awk -o '{print}' f", "awk --profile '{print}' f", "awk -W exec prog",
  "man -P 'sh -c id' ls", "man -Pcat ls", "man --pager=cat ls", "man --pag=cat ls", "man -H ls", "man -C /tmp/cfg ls", "man ls -P cat", "man -l /tmp/x.1",
  'yq -i .a=1 f.yaml', 'yq --inplace .a=1 f.yaml', 'yq -s .a f.yaml',
  "sed -n 'e reboot' f", "sed -n -e 'e reboot' f", "sed -ne 'e reboot' f", "sed 's/a/b/e' f", "sed 's/a/b/w /tmp/x' f", "sed 'w /tmp/x' f", "sed -f script f", "sed --file=script f", "sed f -e '1e id'",
  'find / -delete', 'find . -exec rm {} ;', 'find . -name x -execdir rm {} +', 'find . -fprint /tmp/x', 'find . -fls /tmp/x', 'find . -frobnicate',
  'base64 -o /tmp/x f', 'uniq f /tmp/out', 'uniq -c f /tmp/out', 'xxd f /tmp/out', 'xxd -r f /tmp/out',
  'less +!id f', "less '+|id' f", 'less -o /tmp/x f', 'less -o/tmp/x f', 'less --log-file=/tmp/x f', 'less -k keys f', 'less --lesskey-file=keys f', 'more +!id f',
  'top', 'top -n 1', 'htop', 'iotop', 'iotop -o', 'date -s 12:00', 'date --set=12:00', 'date 010203042024', 'hostname evil', 'hostname -F /tmp/x', 'hostname -b x',
  'dmesg -c', 'dmesg -C', 'dmesg --clear', 'dmesg --read', 'dmesg -n 1', 'dmesg -Tc', 'sysctl -w vm.swappiness=1', 'sysctl vm.swappiness=1', 'sysctl -p', 'sysctl --system', 'sysctl -f /tmp/x',
  'ip link set eth0 down', 'ip -n ns link set eth0 down', 'ip link s eth0 down', 'ip -batch /tmp/x', 'ip -b /tmp/x', 'ip netns exec ns id', 'ip addr add 1.2.3.4 dev eth0', 'ip route del default',
  'loginctl terminate-session 1', 'loginctl kill-user root', 'machinectl poweroff x', 'busctl call org.x / org.x M', 'busctl set-property a b c d', 'stty -echo', 'stty raw', 'stty sane',
  'fuser -k /home', 'fuser -km /home', 'fuser --kill /home', 'fuser /home -k',
  'timedatectl set-time 12:00', 'timedatectl set-ntp false', 'hostnamectl hostname evil', 'hostnamectl set-hostname evil', 'localectl set-locale C', 'networkctl down eth0', 'networkctl reconfigure eth0', 'resolvectl flush-caches', 'resolvectl dns eth0 1.1.1.1', 'systemd-analyze log-level debug', 'systemd-analyze set-log-level debug',
  'file -C -m /tmp/magic', 'blkid -c /tmp/x', 'nvidia-smi -pm 1', 'nvidia-smi -r', 'nvidia-smi -f /tmp/x -q', 'mount /dev/sdb1 /mnt', 'mount -a',
  'iptables -F', 'iptables -A INPUT -j DROP', 'iptables -L -Z', 'iptables -ZL', 'iptables -P INPUT DROP', 'iptables --modprobe=/tmp/x -L', 'iptables --flu', 'iptables-save -f /tmp/x', 'iptables-save -M /tmp/x',
  'nft flush ruleset', "nft 'list ruleset; flush ruleset'", 'nft list ruleset ; flush ruleset', 'nft -f /tmp/rules', 'nft -i', 'nft add rule inet filter input drop',
  'git -c core.pager=id log', 'git -c alias.x=!id x', 'git -ccore.fsmonitor=id status', 'git --config-env=core.pager=X log', 'git --exec-path=/tmp log', 'git -p log', 'git --paginate log', 'git log --output=/tmp/x', 'git diff --out=/tmp/x',
  'git diff --ext-diff', 'git difftool', 'git ls-remote --upload-pack=id origin', 'git grep -O x', 'git grep --open-files-in-pager x', 'git cat-file --textconv HEAD:f', 'git cat-file --filters HEAD:f', 'git commit -m x', 'git push', 'git branch new', 'git branch -D main',
  'git tag v9', 'git tag -d v1', 'git config user.name x', 'git config --unset user.name', 'git remote add x y', 'git reflog expire --all', 'git stash', 'git stash drop', 'git checkout .', 'git st',
];

describe('read-only tools judged by their option grammars', () => {
  test.each(ALLOWED)('%s is allowed', (command) => {
    const verdict = check(command);
    expect(verdict.rules.map((r) => `${r.id}: ${r.message}`), command).toEqual([expect.stringMatching(/^read-only/)]);
    expect(verdict.decision).toBe('allow');
  });

  test.each(REFUSED)('%s is not allowed', (command) => {
    const verdict = check(command);
    expect(verdict.decision, `${command}: ${verdict.rules.map((r) => `${r.id} ${r.message}`).join(' | ')}`).not.toBe('allow');
    expect(verdict.rules.map((r) => r.id)).not.toContain('read-only');
  });
});

describe('what the messages say', () => {
  test('a write is judged by its path: sort -o /etc/passwd is destructive', () => {
    expect(ids('sort -o /etc/passwd f')).toEqual(['destructive']);
    expect(ids('sort -uo/etc/passwd f')).toEqual(['destructive']);
    expect(ids('sort f --out /etc/shadow')).toEqual(['destructive']);
    expect(check('tree -o /tmp/t').rules[0]?.message).toMatch(/tree -o writes its output to \/tmp\/t/);
  });

  test('an unknown option names the option and says what to do', () => {
    const v = check('ss --foo');
    expect(v.rules.map((r) => r.id)).toEqual(['unknown-command']);
    expect(v.rules[0]?.message).toMatch(/`ss --foo`.*run it without that option/);
    expect(check('sort --d f').rules[0]?.message).toMatch(/more than one option/);
  });

  test('non-listing forms of listing commands do not say they change the system unless they do', () => {
    for (const c of ['git st', 'nft describe ; x', 'iptables -t nat', 'git branch new', 'nft flush ruleset', 'iptables -F']) {
      for (const r of check(c).rules) expect(r.message, c).not.toMatch(/changes the system/);
    }
    expect(check('git st').rules.map((r) => r.id)).toEqual(['unknown-command']);
    expect(check('git commit -m x').rules.map((r) => r.id)).toEqual(['unknown-command']);
    expect(check('git branch new').rules.map((r) => r.id)).toEqual(['state-change']);
    expect(check('iptables -F').rules[0]?.message).toMatch(/changes the firewall rules/);
  });

  test('an option value is never a verb, a program or an action', () => {
    expect(ids('ip -n set link show')).toEqual(['read-only']);
    expect(ids("awk -v 'x=system(1)' '{print x}' f")).toEqual(['read-only']);
    expect(ids("sed -l 5 -n 1p f")).toEqual(['read-only']);
    expect(ids('git -C log status')).toEqual(['read-only']);
    expect(ids('find . -name -delete')).toEqual(['read-only']);
    expect(ids('grep -e -o /tmp/x f')).toEqual(['read-only']);
  });

  test('find -exec still judges the inner command; sed -i each file as a write', () => {
    expect(ids('find / -name x -exec kill -9 1 ;')).toContain('target-pid1');
    expect(ids('sed -n -i 1p /etc/passwd')).toEqual(['destructive']);
    expect(ids('sed -i -e 1d /tmp/a /etc/shadow').sort()).toEqual(['destructive', 'state-change']);
    expect(ids('find / -delete')).toEqual(['destructive']);
  });
});

test('every grammar parses: names are unique per letter and long name', () => {
  const problems: string[] = [];
  for (const [tool, t] of Object.entries(TOOLS)) {
    const specs = specOptions(t.spec);
    const shorts = specs.flatMap((s) => (s.short !== undefined ? [s.short] : []));
    const longs = specs.flatMap((s) => (s.long === undefined ? [] : typeof s.long === 'string' ? [s.long] : [...s.long]));
    for (const x of [...shorts, ...longs].filter((x, i, all) => all.indexOf(x) !== i)) problems.push(`${tool}: ${x} twice`);
    for (const key of [...Object.keys(t.writes ?? {}), ...Object.keys(t.runs ?? {}), ...Object.keys(t.changes ?? {}), ...(t.requires?.any ?? [])]) if (!specs.some((s) => s.name === key)) problems.push(`${tool}: ${key} is not an option`);
  }
  expect(problems).toEqual([]);
});
