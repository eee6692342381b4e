/**
 * The option grammars of the read-only tools, as data: which options each tool has, which take
 * a value, and which of them write a file, run code, or change the system. Every other option
 * in a tool's spec is known to be read-only; an option not in the spec is unknown.
 *
 * Spec syntax, one token per option, separated by spaces: `o|output=` is short -o and long
 * --output with a required value; `=` required value, `::` optional (attached) value, no suffix:
 * a flag; `|` separates aliases (one short letter, any number of long names); the option's
 * canonical name is its first long name, else its letter. Taken from each tool's --help (GNU
 * coreutils 9.1, util-linux 2.38, procps-ng 4.0, systemd 252, Debian 12) and its manual.
 */
import type { Grammar, OptionSpec } from '../options.js';

/** One tool's table. */
export interface ToolTable {
  /** Its options (spec syntax above). */
  readonly spec: string;
  /** How it reads arguments, beyond the options (permutation, single-dash long options…). */
  readonly how?: Omit<Grammar, 'options'>;
  /** Options whose value is a file it writes: option name → what it does ("writes its output to"). */
  readonly writes?: Readonly<Record<string, string>>;
  /** Options that run code or other programs procdoc cannot see: option name → what. */
  readonly runs?: Readonly<Record<string, string>>;
  /** Options that change the system: option name → what. */
  readonly changes?: Readonly<Record<string, string>>;
  /** Options it must have to be read-only (interactive top can kill): option names, and why. */
  readonly requires?: { readonly any: readonly string[]; readonly why: string };
  /** Every argument is read-only whatever it is (a tool with no option that writes or runs): why. */
  readonly anyArgs?: string;
}

const HV = 'h|help V|version';
const GNU = 'help version';

const SORT = 'b|ignore-leading-blanks d|dictionary-order f|ignore-case g|general-numeric-sort i|ignore-nonprinting M|month-sort h|human-numeric-sort n|numeric-sort R|random-sort random-source= r|reverse sort= V|version-sort batch-size= c|check:: C compress-program= debug files0-from= k|key= m|merge o|output= s|stable S|buffer-size= t|field-separator= T|temporary-directory= parallel= u|unique z|zero-terminated';
const GREP = 'E|extended-regexp F|fixed-strings G|basic-regexp P|perl-regexp e|regexp= f|file= i|ignore-case y no-ignore-case w|word-regexp x|line-regexp z|null-data s|no-messages v|invert-match V|version help m|max-count= b|byte-offset n|line-number line-buffered H|with-filename h|no-filename label= o|only-matching q|quiet|silent binary-files= a|text I d|directories= D|devices= r|recursive R|dereference-recursive include= exclude= exclude-from= exclude-dir= L|files-without-match l|files-with-matches c|count T|initial-tab Z|null B|before-context= A|after-context= C|context= group-separator= no-group-separator color|colour:: U|binary';
const SUMS = 'b|binary c|check tag t|text z|zero ignore-missing quiet status strict w|warn ' + GNU;
const GAWK = 'f|file= F|field-separator= v|assign= W= b|characters-as-bytes c|traditional C|copyright d|dump-variables:: D|debug:: e|source= E|exec= g|gen-pot h|help i|include= I|trace l|load= L|lint:: M|bignum N|use-lc-numeric n|non-decimal-data o|pretty-print:: O|optimize s|no-optimize p|profile:: P|posix r|re-interval S|sandbox t|lint-old V|version Y|parsedebug Z|locale=';
const SYSTEMCTL_COMMON = 'h|help version no-pager no-legend no-ask-password H|host= M|machine= json= j';
const IPTABLES = 'A|append= C|check= D|delete= R|replace= I|insert= L|list:: S|list-rules:: M|modprobe= F|flush:: Z|zero:: N|new-chain= X|delete-chain:: E|rename-chain= P|policy= V|version h|help:: o|out-interface= p|protocol= s|source= d|destination= j|jump= g|goto= i|in-interface= f|fragment b v|verbose w|wait:: W|wait-interval:: n|numeric t|table= m|match= x|exact c|set-counters= line-numbers 4|ipv4 6|ipv6';

/** The tables, by program name. */
export const TOOLS: Readonly<Record<string, ToolTable>> = {
  ps: { spec: '', anyArgs: 'ps has no option that writes a file or runs a program' },
  pstree: { spec: 'a|arguments A|ascii c|compact-not C|color= g|show-pgids G|vt100 h|highlight-all H|highlight-pid= l|long n|numeric-sort N|ns-sort= p|show-pids s|show-parents S|ns-changes t|thread-names T|hide-threads u|uid-changes U|unicode V|version Z|security-context' },
  pgrep: { spec: 'd|delimiter= l|list-name a|list-full v|inverse w|lightweight c|count f|full g|pgroup= G|group= i|ignore-case n|newest o|oldest O|older= P|parent= s|session= t|terminal= u|euid= U|uid= x|exact F|pidfile= L|logpidfile r|runstates= A|ignore-ancestors cgroup= ns= nslist= q|quiet e|env= ' + HV },
  pidof: { spec: 's c n q w x o= S= z ' + HV, how: { abbreviate: false } },
  pwdx: { spec: HV },
  pmap: {
    spec: 'x|extended X XX c|read-rc C|read-rc-from= n|create-rc N|create-rc-to= d|device q|quiet p|show-path A|range= ' + HV,
    changes: { 'create-rc': 'pmap -n writes the configuration file ~/.pmaprc' },
    writes: { 'create-rc-to': 'pmap -N writes its configuration to' },
  },
  cat: { spec: 'A|show-all b|number-nonblank e E|show-ends n|number s|squeeze-blank t T|show-tabs u v|show-nonprinting ' + GNU },
  tac: { spec: 'b|before r|regex s|separator= ' + GNU },
  nl: { spec: 'b|body-numbering= d|section-delimiter= f|footer-numbering= h|header-numbering= i|line-increment= l|join-blank-lines= n|number-format= p|no-renumber s|number-separator= v|starting-line-number= w|number-width= ' + GNU },
  head: { spec: 'c|bytes= n|lines= q|quiet|silent v|verbose z|zero-terminated ' + GNU, how: { numeric: 'lines' } },
  tail: { spec: 'c|bytes= f follow:: F n|lines= max-unchanged-stats= pid= q|quiet|silent retry s|sleep-interval= v|verbose z|zero-terminated ' + GNU, how: { numeric: 'lines' } },
  less: {
    spec: '? help a|search-skip-screen A|SEARCH-SKIP-SCREEN b|buffers= B|auto-buffers c|clear-screen C|CLEAR-SCREEN d|dumb D|color= e|quit-at-eof E|QUIT-AT-EOF f|force F|quit-if-one-screen g|hilite-search G|HILITE-SEARCH h|max-back-scroll= i|ignore-case I|IGNORE-CASE j|jump-target= J|status-column k|lesskey-file= lesskey-src= K|quit-on-intr L|no-lessopen m|long-prompt M|LONG-PROMPT n|line-numbers N|LINE-NUMBERS o|log-file= O|LOG-FILE= p|pattern= P|prompt= q|quiet|silent Q|QUIET|SILENT r|raw-control-chars R|RAW-CONTROL-CHARS s|squeeze-blank-lines S|chop-long-lines t|tag= T|tag-file= u|underline-special U|UNDERLINE-SPECIAL V|version w|hilite-unread W|HILITE-UNREAD x|tabs= X|no-init y|max-forw-scroll= z|window= #|shift= follow-name incsearch line-num-width= mouse no-keypad no-histdups rscroll= save-marks status-col-width= use-backslash use-color wheel-lines= header= exit-follow-on-close',
    writes: { 'log-file': 'less -o copies its input to', 'LOG-FILE': 'less -O copies its input to' },
    runs: { 'lesskey-file': 'less -k reads key bindings from a lesskey file, which can set LESSOPEN and so run a program', 'lesskey-src': 'less --lesskey-src reads a lesskey file, which can set LESSOPEN and so run a program' },
    how: { abbreviate: true },
  },
  more: { spec: 'd|silent f|logical l|no-pause c|print-over p|clean-print e|exit-on-eof s|squeeze u|plain n|lines= ' + HV, how: { numeric: 'lines' } },
  grep: { spec: GREP, how: { numeric: 'context' } },
  egrep: { spec: GREP, how: { numeric: 'context' } },
  fgrep: { spec: GREP, how: { numeric: 'context' } },
  zgrep: { spec: GREP, how: { numeric: 'context' } },
  zcat: { spec: 'f|force l|list q|quiet r|recursive S|suffix= synchronous t|test v|verbose ' + GNU },
  bzcat: { spec: 's|small q|quiet v|verbose h|help L|license V|version' },
  xzcat: { spec: 'd|decompress t|test l|list k|keep f|force c|stdout T|threads= q|quiet v|verbose F|format= single-stream no-sparse files:: files0:: memlimit-decompress= M|memlimit|memory= no-adjust Q|no-warn robot h|help H|long-help V|version' },
  wc: { spec: 'c|bytes m|chars l|lines files0-from= L|max-line-length w|words total= ' + GNU },
  cut: { spec: 'b|bytes= c|characters= d|delimiter= f|fields= n complement s|only-delimited output-delimiter= z|zero-terminated ' + GNU },
  tr: { spec: 'c|C|complement d|delete s|squeeze-repeats t|truncate-set1 ' + GNU },
  column: { spec: 't|table n|table-name= O|table-order= N|table-columns= l|table-columns-limit= E|table-noextreme= d|table-noheadings e|table-header-repeat H|table-hide= R|table-right= T|table-truncate= W|table-wrap= L|keep-empty-lines J|json r|tree= i|tree-id= p|tree-parent= c|output-width= o|output-separator= s|separator= x|fillrows ' + HV },
  paste: { spec: 'd|delimiters= s|serial z|zero-terminated ' + GNU },
  fold: { spec: 'b|bytes s|spaces w|width= ' + GNU, how: { numeric: 'width' } },
  fmt: { spec: 'c|crown-margin p|prefix= s|split-only t|tagged-paragraph u|uniform-spacing w|width= g|goal= ' + GNU, how: { numeric: 'width' } },
  expand: { spec: 'i|initial t|tabs= ' + GNU, how: { numeric: 'tabs' } },
  rev: { spec: HV },
  ls: { spec: 'a|all A|almost-all author b|escape block-size= B|ignore-backups c C color:: d|directory D|dired f F classify:: file-type format= full-time g group-directories-first G|no-group h|human-readable si H|dereference-command-line dereference-command-line-symlink-to-dir hide= hyperlink:: indicator-style= i|inode I|ignore= k|kibibytes l L|dereference m n|numeric-uid-gid N|literal o p q|hide-control-chars show-control-chars Q|quote-name quoting-style= r|reverse R|recursive s|size S sort= time= time-style= t T|tabsize= u U v w|width= x X Z|context zero 1 ' + GNU },
  stat: { spec: 'L|dereference f|file-system cached= c|format= printf= t|terse ' + GNU },
  file: {
    spec: 'help v|version m|magic-file= z|uncompress Z|uncompress-noreport b|brief c|checking-printout e|exclude= exclude-quiet= f|files-from= F|separator= i|mime apple extension mime-type mime-encoding k|keep-going l|list L|dereference h|no-dereference n|no-buffer N|no-pad 0|print0 p|preserve-date P|parameter= r|raw s|special-files S|no-sandbox C|compile d|debug',
    changes: { compile: 'file -C compiles the magic file and writes a .mgc file beside it' },
  },
  readlink: { spec: 'f|canonicalize e|canonicalize-existing m|canonicalize-missing n|no-newline q|quiet s|silent v|verbose z|zero ' + GNU },
  realpath: { spec: 'e|canonicalize-existing m|canonicalize-missing L|logical P|physical q|quiet relative-to= relative-base= s|strip|no-symlinks z|zero ' + GNU },
  basename: { spec: 'a|multiple s|suffix= z|zero ' + GNU },
  dirname: { spec: 'z|zero ' + GNU },
  du: { spec: '0|null a|all A|apparent-size B|block-size= b|bytes c|total D|dereference-args d|max-depth= files0-from= H h|human-readable inodes k L|dereference l|count-links m P|no-dereference S|separate-dirs si s|summarize t|threshold= time:: time-style= X|exclude-from= exclude= x|one-file-system ' + GNU },
  df: { spec: 'a|all B|block-size= h|human-readable H|si i|inodes k l|local no-sync output:: P|portability sync total t|type= T|print-type x|exclude-type= v ' + GNU },
  free: { spec: 'b|bytes kilo mega giga tera peta k|kibi m|mebi g|gibi tebi pebi h|human si l|lohi L|line t|total v|committed s|seconds= c|count= w|wide help V|version' },
  uptime: { spec: 'p|pretty h|help s|since V|version' },
  vmstat: { spec: 'a|active f|forks m|slabs n|one-header s|stats d|disk D|disk-sum p|partition= S|unit= w|wide t|timestamp y|no-first ' + HV },
  iostat: { spec: 'c d h k m N t x y z s o= j= p:: g= H dec= compact human pretty help V|version', how: { abbreviate: false } },
  mpstat: { spec: 'A n T u I= N= o= P= dec= ' + HV, how: { abbreviate: false } },
  pidstat: { spec: 'd H h I l R r s t U:: u v w G= C= p= T= e= dec= human help V|version', how: { abbreviate: false } },
  lsof: { spec: '', anyArgs: 'lsof only lists open files; it has no option that writes or runs' },
  id: { spec: 'a Z|context g|group G|groups n|name r|real u|user z|zero ' + GNU },
  whoami: { spec: GNU },
  groups: { spec: GNU },
  getent: { spec: 'A|no-addrconfig i|no-idn s|service= ?|help usage V|version' },
  w: { spec: 'h|no-header u|no-current s|short f|from o|old-style i|ip-addr p|pids help V|version' },
  who: { spec: 'a|all b|boot d|dead H|heading ips l|login lookup m p|process q|count r|runlevel s|short t|time T|w|mesg|message|writable u|users ' + GNU },
  last: { spec: 'a|hostlast d|dns f|file= F|fulltimes i|ip n|limit= R|nohostname s|since= t|until= p|present= w|fullnames x|system time-format= ' + HV, how: { numeric: 'limit' } },
  lastlog: {
    spec: 'b|before= C|clear h|help R|root= S|set t|time= u|user=',
    changes: { clear: 'lastlog -C clears the last-login records', set: 'lastlog -S sets the last-login records to now' },
  },
  uname: { spec: 'a|all s|kernel-name n|nodename r|kernel-release v|kernel-version m|machine p|processor i|hardware-platform o|operating-system ' + GNU },
  lscpu: { spec: 'a|all b|online B|bytes C|caches:: c|offline J|json e|extended:: p|parse:: s|sysroot= x|hex y|physical output-all ' + HV },
  lsblk: { spec: 'A|noempty D|discard E|dedup= I|include= J|json M|merge O|output-all P|pairs S|scsi T|tree:: a|all b|bytes d|nodeps e|exclude= f|fs i|ascii l|list m|perms n|noheadings o|output= p|paths r|raw s|inverse t|topology w|width= x|sort= y|shell z|zoned sysroot= ' + HV },
  lsmem: { spec: 'J|json P|pairs a|all b|bytes n|noheadings o|output= output-all r|raw S|split= s|sysroot= summary:: ' + HV },
  lspci: { spec: 'm t v k x b D P n q Q s= d= i= p= M A= O= G H= F=', how: { abbreviate: false } },
  lsusb: { spec: 'v|verbose s= d= D= t|tree V|version h|help' },
  lsns: { spec: 'J|json l|list n|noheadings o|output= output-all p|task= r|raw u|notruncate W|nowrap t|type= T|tree:: ' + HV },
  lsipc: { spec: 'm|shmems q|queues s|semaphores g|global i|id= noheadings notruncate time-format= b|bytes c|creator e|export J|json n|newline l|list o|output= P|numeric-perms r|raw t|time y|shell ' + HV },
  lslocks: { spec: 'b|bytes J|json i|noinaccessible n|noheadings o|output= output-all p|pid= r|raw u|notruncate ' + HV },
  lsmod: { spec: HV },
  nproc: { spec: 'all ignore= ' + GNU },
  ss: {
    spec: 'h|help V|version n|numeric r|resolve a|all l|listening o|options e|extended m|memory p|processes T|threads i|info tipcinfo s|summary tos cgroup b|bpf E|events Z|context z|contexts N|net= 4|ipv4 6|ipv6 0|packet t|tcp M|mptcp S|sctp u|udp d|dccp w|raw x|unix tipc vsock xdp f|family= K|kill H|no-header O|oneline inet-sockopt A|query|socket= D|diag= F|filter=',
    writes: { diag: 'ss -D dumps raw socket information to' },
    changes: { kill: 'ss -K closes (kills) the matching sockets' },
  },
  netstat: { spec: 'r|route i|interfaces g|groups s|statistics M|masquerade v|verbose W|wide n|numeric numeric-hosts numeric-ports numeric-users N|symbolic e|extend p|program o|timers c|continuous l|listening a|all F|fib C|cache Z|context T|notrim 4|inet 6|inet6 t|tcp u|udp w|raw x|unix A= h|help V|version' },
  printenv: { spec: '0|null ' + GNU },
  whereis: { spec: 'b B= m M= s S= f u l ' + HV, how: { abbreviate: false } },
  hexdump: { spec: 'b|one-byte-octal X|one-byte-hex c|one-byte-char C|canonical d|two-bytes-decimal o|two-bytes-octal x|two-bytes-hex L|color:: e|format= f|format-file= n|length= s|skip= v|no-squeezing ' + HV },
  strings: { spec: 'a|all d|data f|print-file-name n|bytes= t|radix= w|include-all-whitespace o T|target= e|encoding= U|unicode= s|output-separator= ' + HV, how: { numeric: 'bytes' } },
  md5sum: { spec: SUMS },
  sha1sum: { spec: SUMS },
  sha224sum: { spec: SUMS },
  sha256sum: { spec: SUMS },
  sha384sum: { spec: SUMS },
  sha512sum: { spec: SUMS },
  b2sum: { spec: 'l|length= ' + SUMS },
  cksum: { spec: 'a|algorithm= b|base64 c|check l|length= raw tag untagged z|zero ignore-missing quiet status strict w|warn debug ' + GNU },
  diff: { spec: 'normal q|brief s|report-identical-files c C|context:: u U|unified:: e|ed n|rcs y|side-by-side W|width= left-column suppress-common-lines p|show-c-function F|show-function-line= label= t|expand-tabs T|initial-tab tabsize= suppress-blank-empty l|paginate r|recursive no-dereference N|new-file unidirectional-new-file ignore-file-name-case no-ignore-file-name-case x|exclude= X|exclude-from= S|starting-file= from-file= to-file= i|ignore-case E|ignore-tab-expansion Z|ignore-trailing-space b|ignore-space-change w|ignore-all-space B|ignore-blank-lines I|ignore-matching-lines= a|text strip-trailing-cr D|ifdef= old-group-format= new-group-format= unchanged-group-format= changed-group-format= line-format= old-line-format= new-line-format= unchanged-line-format= d|minimal horizon-lines= speed-large-files color:: palette= help v|version' },
  cmp: { spec: 'b|print-bytes i|ignore-initial= l|verbose n|bytes= s|quiet|silent help v|version' },
  comm: { spec: '1 2 3 check-order nocheck-order output-delimiter= total z|zero-terminated ' + GNU },
  jq: { spec: '', anyArgs: 'jq cannot write files or run programs' },
  yq: {
    spec: 'i|inplace|in-place s|split-exp= split-exp-file= r|unwrapScalar|raw-output o|output-format= p|input-format= e|exit-status C|colors M|no-colors P|prettyPrint I|indent= n|null-input N|no-doc j|tojson y|yaml-output Y|yaml-roundtrip c|compact-output S|sort-keys a|ascii-output 0|nul-output arg= argjson= f|from-file= front-matter= header-preprocess:: expression= v|verbose V|version h|help',
    changes: { inplace: 'yq -i rewrites the files it is given in place' },
    runs: { 'split-exp': 'yq -s writes one file per document, named by an expression', 'split-exp-file': 'yq --split-exp-file writes one file per document' },
  },
  getconf: { spec: 'a v= ', how: { abbreviate: false } },
  sleep: { spec: GNU },
  seq: { spec: 'f|format= s|separator= w|equal-width ' + GNU },
  cal: { spec: '1 3 h j y Y b|months= A= B= m M s S w v color:: sunday monday julian year twelve reform= iso span vertical week:: help V|version' },
  ncal: { spec: '1 3 h j y Y b|months= A= B= m M s S w v color:: sunday monday julian year twelve reform= iso span vertical week:: help V|version' },
  locale: { spec: 'a|all-locales m|charmaps c|category-name k|keyword-name v|verbose ?|help usage V|version' },
  tty: { spec: 's|silent|quiet ' + GNU },
  arch: { spec: GNU },
  'systemd-cgls': { spec: SYSTEMCTL_COMMON + ' a|all u|unit user-unit xattr= cgroup-id= l|full k' },
  'systemd-cgtop': { spec: 'h|help version p c m i r|raw t P k recursive= d|delay= n|iterations= 1 b|batch depth= order= M|machine=' },
  'systemd-analyze': { spec: SYSTEMCTL_COMMON + ' recursive-errors= offline= threshold= security-policy= system user global order require from-pattern= to-pattern= fuzz= man:: generators:: instance= iterations= base-time= unit= table profile q|quiet root= image= image-policy= scale-units= tldr' },
  slabtop: { spec: 'd|delay= o|once s|sort= ' + HV },
  cgget: { spec: 'a|all g= h|help n r|variable= v|values-only m b c' },
  lscgroup: { spec: 'g= h|help' },
  sync: { spec: 'd|data f|file-system ' + GNU },
  timedatectl: { spec: SYSTEMCTL_COMMON + ' adjust-system-clock monitor p|property= a|all value' },
  hostnamectl: { spec: SYSTEMCTL_COMMON + ' transient static pretty' },
  localectl: { spec: SYSTEMCTL_COMMON + ' no-convert' },
  networkctl: { spec: SYSTEMCTL_COMMON + ' a|all s|stats l|full n|lines= drop-in=' },
  resolvectl: { spec: SYSTEMCTL_COMMON + ' 4 6 i|interface= p|protocol= t|type= c|class= service-address= service-txt= cname= validate= synthesize= cache= zone= trust-anchor= network= search= stale-data= relax-single-label= raw:: l|legend=' },
  findmnt: { spec: 's|fstab m|mtab k|kernel p|poll:: w|timeout= A|all a|ascii b|bytes C|nocanonicalize c|canonicalize D|df d|direction= e|evaluate F|tab-file= f|first-only i|invert J|json l|list N|task= n|noheadings O|options= o|output= output-all P|pairs pseudo shadowed R|submounts r|raw real S|source= T|target= tree M|mountpoint= t|types= U|uniq u|notruncate v|nofsroot y|shell x|verify verbose vfs-all ' + HV },
  mount: { spec: 'a|all c|no-canonicalize f|fake F|fork T|fstab= i|internal-only l|show-labels m|mkdir:: n|no-mtab options-mode= options-source= options-source-force o|options= O|test-opts= r|read-only t|types= source= target= target-prefix= v|verbose w|rw|read-write N|namespace= ' + HV + ' L|label= U|uuid= B|bind M|move R|rbind make-shared make-slave make-private make-unbindable make-rshared make-rslave make-rprivate make-runbindable s' },
  blkid: {
    spec: 'c|cache-file= d|no-encoding g|garbage-collect o|output= k|list-filesystems s|match-tag= t|match-token= l|list-one L|label= U|uuid= p|probe i|info H|hint= S|size= O|offset= u|usages= n|match-types= D|no-part-details ' + HV,
    writes: { 'cache-file': 'blkid -c updates its cache file' },
    changes: { 'garbage-collect': 'blkid -g rewrites the blkid cache' },
  },
  numastat: { spec: 'c m n p= s:: v V z', how: { abbreviate: false } },
  man: {
    spec: 'C|config-file= d|debug D|default warnings:: f|whatis k|apropos K|global-apropos l|local-file w|where|path|location W|where-cat|location-cat c|catman R|recode= L|locale= m|systems= M|manpath= S|s|sections= e|extension= i|ignore-case I|match-case regex wildcard names-only a|all u|update no-subpages P|pager= r|prompt= 7|ascii E|encoding= no-hyphenation|nh no-justification|nj p|preprocessor= t|troff T|troff-device:: H|html:: X|gxditview:: Z|ditroff ?|help usage V|version',
    runs: {
      pager: 'man -P runs the program it is given as the pager',
      html: 'man -H runs a web browser',
      gxditview: 'man -X runs gxditview',
      'config-file': 'man -C reads a configuration file that names the programs man runs',
      preprocessor: 'man -p runs the preprocessors it names',
      troff: 'man -t runs troff',
      ditroff: 'man -Z runs troff',
      'troff-device': 'man -T runs troff',
      'local-file': 'man -l formats a file procdoc cannot see with troff (whose requests can run programs)',
    },
    changes: { catman: 'man -c rewrites the cat pages', update: 'man -u rebuilds the manual page index caches' },
  },
  apropos: { spec: 'd|debug v|verbose e|exact r|regex w|wildcard a|and l|long C|config-file= L|locale= m|systems= M|manpath= s|sections|section= ?|help usage V|version', runs: { 'config-file': 'apropos -C reads a configuration file procdoc cannot see' } },
  iotop: {
    spec: 'version h|help o|only b|batch n|iter= d|delay= p|pid= u|user= P|processes a|accumulated k|kilobytes t|time q|quiet no-help',
    requires: { any: ['batch'], why: 'interactive iotop can change I/O priorities (i); use iotop -b -n 1' },
  },
  atop: {
    spec: 'V a R W P= J= Z L= k K f F G l y Y 1 x g m d n s v c X o u p j C M D N E A w= r:: S b= e= B H I h',
    how: { abbreviate: false },
    writes: { w: 'atop -w writes its raw log to' },
    requires: { any: ['P', 'J', 'w', 'V'], why: 'interactive atop can kill processes (k); use atop -P ALL 1 1 (parseable output)' },
  },
  'nvidia-smi': {
    spec: 'h|help q|query L|list-gpus i|id= f|filename= format= d|display= x|xml-format l|loop:: lms|loop-ms:: query-gpu= query-supported-clocks= query-compute-apps= query-accounted-apps= query-retired-pages= query-remapped-rows= u|unit m|matrix s c',
    how: { singleDashLong: true },
    writes: { filename: 'nvidia-smi -f logs its output to' },
  },
  lsattr: { spec: 'R V a d l p v', how: { abbreviate: false } },
  dstat: {
    spec: 'c|cpu C= d|disk D= g|page i|int I= l|load m|mem n|net N= p|proc r|io s|swap S= t|time T|epoch y|sys aio fs|filesystem ipc lock raw socket tcp udp unix vm vm-adv zones list a|all f|full v|vmstat bits float integer black-on-white color nocolor noheaders noupdate output= profile h|help version',
    writes: { output: 'dstat --output writes CSV to' },
  },
  tload: { spec: 'd|delay= s|scale= ' + HV },
  sort: { spec: SORT, writes: { output: 'sort -o writes its output to' }, runs: { 'compress-program': 'sort --compress-program runs the program it is given' } },
  uniq: { spec: 'c|count d|repeated D all-repeated:: f|skip-fields= group:: i|ignore-case s|skip-chars= u|unique z|zero-terminated w|check-chars= ' + GNU },
  od: { spec: 'A|address-radix= endian= j|skip-bytes= N|read-bytes= S|strings:: t|format= v|output-duplicates w|width:: traditional ' + GNU + ' a b c d f i l o s x' },
  base64: { spec: 'd|decode i|ignore-garbage w|wrap= ' + GNU },
  xxd: {
    spec: 'a|autoskip b|bits C|capitalize c|cols= E|EBCDIC e g|groupsize= h|help i|include l|len= n|name= o|offset= p|ps|postscript|plain r|revert R= s|seek= u|uppercase v|version d',
    how: { singleDashLong: true, abbreviate: true },
  },
  awk: { spec: GAWK, how: { permute: false, wLong: 'W' } },
  gawk: { spec: GAWK, how: { permute: false, wLong: 'W' } },
  nawk: { spec: GAWK, how: { permute: false, wLong: 'W' } },
  mawk: { spec: GAWK, how: { permute: false, wLong: 'W' } },
  sed: {
    spec: 'n|quiet|silent debug e|expression= f|file= follow-symlinks i|in-place:: l|line-length= posix E|r|regexp-extended s|separate sandbox u|unbuffered z|null-data ' + GNU,
    runs: { file: 'sed -f runs a script file procdoc cannot see' },
  },
  top: {
    spec: 'b|batch-mode c|cmdline-toggle d|delay= E|scale-summary-mem= e|scale-task-mem= H|threads-show i|idle-toggle n|iterations= O|list-fields o|sort-override= p|pid= S|accum-time-toggle s|secure-mode U|filter-any-user= u|filter-only-euser= w|width:: 1|single-cpu-toggle ' + HV,
    requires: { any: ['batch-mode', 'list-fields', 'help', 'version'], why: 'interactive top can send signals (k) and renice (r); use top -b -n 1' },
  },
  htop: { spec: HV, requires: { any: ['help', 'version'], why: 'interactive htop can send signals and renice; use top -b -n 1 or ps' } },
  date: {
    spec: 'd|date= debug f|file= I|iso-8601:: resolution R|rfc-email rfc-3339= r|reference= s|set= u|utc|universal ' + GNU,
    changes: { set: 'date -s sets the system clock' },
  },
  hostname: {
    spec: 'a|alias A|all-fqdns b|boot d|domain f|fqdn|long F|file= i|ip-address I|all-ip-addresses s|short y|yp|nis ' + HV,
    changes: { boot: 'hostname -b sets the host name', file: 'hostname -F sets the host name from a file' },
  },
  dmesg: {
    spec: 'C|clear c|read-clear D|console-off E|console-on F|file= f|facility= H|human J|json k|kernel L|color:: l|level= n|console-level= P|nopager p|force-prefix r|raw noescape S|syslog s|buffer-size= u|userspace w|follow W|follow-new x|decode d|show-delta e|reltime T|ctime t|notime time-format= since= until= ' + HV,
    changes: { clear: 'dmesg -C clears the kernel ring buffer', 'read-clear': 'dmesg -c clears the kernel ring buffer after printing it', 'console-off': 'dmesg -D turns off kernel messages on the console', 'console-on': 'dmesg -E turns on kernel messages on the console', 'console-level': 'dmesg -n sets the console log level' },
  },
  journalctl: {
    how: { numeric: 'boot-offset' },
    spec: 'system user M|machine= m|merge D|directory= i|file= root= image= image-policy= namespace= S|since= U|until= c|cursor= after-cursor= cursor-file= b|boot:: u|unit= user-unit= t|identifier= T|exclude-identifier= p|priority= facility= g|grep= case-sensitive:: k|dmesg o|output= output-fields= n|lines:: r|reverse show-cursor utc x|catalog no-hostname no-full l|full a|all f|follow no-tail q|quiet no-pager e|pager-end interval= verify-key= force h|help version N|fields F|field= list-boots disk-usage vacuum-size= vacuum-files= vacuum-time= verify sync relinquish-var smart-relinquish-var flush rotate header list-catalog dump-catalog update-catalog setup-keys new-id128 list-namespaces invocation= I j',
    writes: { 'cursor-file': 'journalctl --cursor-file writes the position it stopped at to' },
    changes: {
      'vacuum-size': 'journalctl --vacuum-size deletes archived journal files',
      'vacuum-files': 'journalctl --vacuum-files deletes archived journal files',
      'vacuum-time': 'journalctl --vacuum-time deletes archived journal files',
      sync: 'journalctl --sync makes journald write its journal to disk',
      'relinquish-var': 'journalctl --relinquish-var moves journald to /run',
      'smart-relinquish-var': 'journalctl --smart-relinquish-var moves journald to /run',
      flush: 'journalctl --flush moves the journal from /run to /var',
      rotate: 'journalctl --rotate archives the active journal files',
      'update-catalog': 'journalctl --update-catalog rewrites the message catalog index',
      'setup-keys': 'journalctl --setup-keys generates new journal sealing keys',
    },
  },
  sysctl: {
    spec: 'a|all A X deprecated dry-run b|binary e|ignore N|names n|values p|f|load:: system r|pattern= q|quiet w|write o x d ' + HV,
    changes: { load: 'sysctl -p loads kernel settings from a file', system: 'sysctl --system loads kernel settings from every configuration file', write: 'sysctl -w changes kernel settings' },
  },
  loginctl: { spec: SYSTEMCTL_COMMON + ' p|property= P= a|all value l|full kill-whom= s|signal= n|lines= o|output=' },
  machinectl: { spec: SYSTEMCTL_COMMON + ' p|property= P= q|quiet a|all value l|full kill-whom= s|signal= uid= E|setenv= read-only mkdir n|lines= max-addresses= o|output= verify= force format= bind= runner=' },
  busctl: { spec: SYSTEMCTL_COMMON + ' l|full system user address= show-machine unique acquired activatable match= size= list q|quiet verbose xml-interface expect-reply= auto-start= allow-interactive-authorization= timeout= augment-creds= watch-bind= destination= limit-messages= N' },
  stty: { spec: 'a|all g|save F|file= ' + GNU, how: { permute: true } },
  fuser: {
    spec: 'a|all i|interactive I|inode k|kill l|list-signals m|mount M|ismountpoint n|namespace= s|silent u|user v|verbose w|writeonly V|version 4|ipv4 6|ipv6',
    how: { numeric: 'signal' },
    changes: { kill: 'fuser -k kills every process that uses the file' },
  },
  tree: {
    spec: 'a d l f x L= R P= I= gitignore gitfile= ignore-case matchdirs metafirst prune info infofile= noreport charset= filelimit= o= q N Q p u g s h si du D timefmt= F inodes device v t c U r dirsfirst filesfirst sort= i A S n C X J H= T= nolinks hintro= houtro= fromfile fflinks opt-toggle version help',
    writes: { o: 'tree -o writes its output to' },
    changes: { R: 'tree -R writes an output file into every directory it descends to' },
  },
  'iptables-save': { spec: 'c|counters t|table= M|modprobe= f|file= ' + HV, writes: { file: 'iptables-save -f writes the rules to' }, runs: { modprobe: 'iptables-save -M runs the program it is given to load modules' } },
  'ip6tables-save': { spec: 'c|counters t|table= M|modprobe= f|file= ' + HV, writes: { file: 'ip6tables-save -f writes the rules to' }, runs: { modprobe: 'ip6tables-save -M runs the program it is given to load modules' } },
  iptables: { spec: IPTABLES, runs: { modprobe: 'iptables --modprobe runs the program it is given to load modules' } },
  ip6tables: { spec: IPTABLES, runs: { modprobe: 'ip6tables --modprobe runs the program it is given to load modules' } },
  nft: {
    spec: 'h|help v|version V f|file= D|define= i|interactive I|includepath= c|check o|optimize a|handle s|stateless t|terse S|service N|reversedns u|guid n|numeric y|numeric-priority p|numeric-protocol T|numeric-time e|echo j|json d|debug=',
    runs: { file: 'nft -f runs the nft commands in a file procdoc cannot see', interactive: 'nft -i reads nft commands from its input', define: 'nft -D defines variables for an nft script' },
  },
  which: { spec: 'a s', how: { abbreviate: false } },
  ip: {
    spec: 's|stats|statistics d|details r|resolve o|oneline t|timestamp ts|tshort f|family= 4 6 0 M B n|netns= b|batch= force c|color:: j|json p|pretty br|brief a|all l|loops= h|human|human-readable iec N|Numeric rc|rcvbuf= V|Version echo help',
    how: { singleDashLong: true, permute: false },
    runs: { batch: 'ip -batch runs the ip commands in a file procdoc cannot see' },
  },
};

/** A spec string as option specs. */
export function specOptions(spec: string): OptionSpec[] {
  return spec
    .split(/\s+/)
    .filter((t) => t !== '')
    .flatMap((t) => {
      const arity: OptionSpec['arity'] = t.endsWith('::') ? 'optional' : t.endsWith('=') ? 'required' : 'none';
      const names = t.replace(/[:=]+$/, '').split('|');
      const shorts = names.filter((n) => n.length === 1);
      const longs = names.filter((n) => n.length > 1);
      const name = longs[0] ?? shorts[0] ?? t;
      const first: OptionSpec = { name, arity, ...(shorts[0] !== undefined ? { short: shorts[0] } : {}), ...(longs.length > 0 ? { long: longs } : {}) };
      return [first, ...shorts.slice(1).map((short): OptionSpec => ({ name, arity, short }))];
    });
}
