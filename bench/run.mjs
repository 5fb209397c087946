#!/usr/bin/env node
// `npm run bench`: ezvideo against curl, sha256sum and bare node on this machine, in one run, side
// by side. Every figure is the median of several runs, interleaved (ezvideo, curl, ezvideo, ...)
// so that the noise of a shared machine falls on both sides alike. The download rows fetch from
// nginx on loopback (sendfile, as a CDN serves a file), so the client's cost is what is measured;
// the simulator serves the rows that need its throttle or its tasks. Prints a markdown table and
// writes the figures to bench/results.json. Rows marked "floor" are not targets: they measure, in
// the same run, what a target leaves for ezvideo's own work. Options: --only <section,...>
// (download-1g, download-4g, floors (after each download section), startup, head, connections,
// batch, scale-download, scale-wait), --runs <n> (overrides every section's count), --no-install
// (skip the rows of a missing curl/nginx instead of installing it with apt-get).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = join(root, 'bench', 'tmp');
const bin = join(root, 'bin', 'ezvideo.js');
const probe = join(root, 'bench', 'floor-probe.mjs');
const scaleServer = join(root, 'bench', 'scale-server.mjs');
const startupFloor = join(root, 'bench', 'startup-floor.mjs');
const key = 'sk-bench-0123456789';
const MiB = 1024 * 1024;

const args = process.argv.slice(2);
const flag = (name) => {
  const index = args.indexOf(name);
  return index === -1 ? undefined : (args[index + 1] ?? '');
};
const only = flag('--only')?.split(',');
const runsOverride = flag('--runs') === undefined ? undefined : Number(flag('--runs'));
const mayInstall = !args.includes('--no-install');
const wanted = (section) => only === undefined || only.includes(section);
const runsFor = (count) => runsOverride ?? count;

/** The throttle each simulated connection gets in the connections and batch rows. */
const throttle = 4 * MiB;

// ---------------------------------------------------------------------------------------------
// Tools

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

let aptUpdated = false;
/** Installs a Debian package when allowed and possible; says why not otherwise. */
function ensureTool(command, aptPackage) {
  if (has(command)) return { ok: true };
  if (!mayInstall) return { ok: false, why: `${command} is not installed (--no-install)` };
  if (process.getuid?.() !== 0 || !has('apt-get')) return { ok: false, why: `${command} is not installed and apt-get is not usable here` };
  process.stderr.write(`bench: installing ${aptPackage} with apt-get...\n`);
  try {
    if (!aptUpdated) execFileSync('apt-get', ['update', '-qq'], { stdio: 'ignore', timeout: 180_000 });
    aptUpdated = true;
    execFileSync('apt-get', ['install', '-y', '-qq', aptPackage], { stdio: 'ignore', timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch (error) {
    return { ok: false, why: `${command} is not installed and apt-get install ${aptPackage} failed (${error.message.split('\n')[0]})` };
  }
  return has(command) ? { ok: true } : { ok: false, why: `${command} is still missing after apt-get install ${aptPackage}` };
}

// ---------------------------------------------------------------------------------------------
// Measuring one command

/**
 * Runs a command under GNU time (user and system CPU of it and the children it waited for, peak
 * RSS of the largest process) and measures its wall time here, with sub-millisecond resolution.
 * `onLine` gets each line of its stdout with the time it arrived here (Date.now()).
 */
function measure(command, commandArgs, options = {}) {
  const timeFile = join(tmp, 'time.txt');
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, command, ...commandArgs], {
      env: options.env ?? process.env,
      cwd: options.cwd ?? root,
      stdio: ['ignore', options.onLine === undefined ? 'ignore' : 'pipe', 'pipe'],
    });
    if (options.onLine !== undefined) {
      let pending = '';
      child.stdout.on('data', (chunk) => {
        const at = Date.now();
        pending += chunk;
        const lines = pending.split('\n');
        pending = lines.pop();
        for (const line of lines) options.onLine(line, at);
      });
    }
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) {
        reject(new Error(`${command} ${commandArgs.join(' ')} exited ${code}: ${stderr.slice(-2000)}`));
        return;
      }
      const [user, system, rssKiB] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
      resolve({ wallMs, cpuMs: (user + system) * 1000, rssMiB: rssKiB / 1024, startedAt });
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs each contender `runs` times, interleaved, starting with a different one each round, and
 * returns the medians of wall, CPU and peak RSS per contender.
 */
async function compare(contenders, runs, before = async () => {}) {
  const samples = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  const names = Object.keys(contenders);
  for (let round = 0; round < runs; round += 1) {
    const order = names.map((_, index) => names[(index + round) % names.length]);
    for (const name of order) {
      await before(name, round);
      samples[name].push(await contenders[name](round));
    }
  }
  return Object.fromEntries(
    names.map((name) => [
      name,
      {
        runs,
        wallMs: median(samples[name].map((sample) => sample.wallMs)),
        cpuMs: median(samples[name].map((sample) => sample.cpuMs)),
        rssMiB: median(samples[name].map((sample) => sample.rssMiB)),
        samples: samples[name],
      },
    ]),
  );
}

// ---------------------------------------------------------------------------------------------
// Servers, each a process of its own (their CPU is not ezvideo's)

/** Starts a node server script that prints one JSON line when it listens. */
async function startServerProcess(scriptArgs) {
  const child = spawn(process.execPath, scriptArgs, { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = [];
  const waiters = [];
  let text = '';
  child.stdout.on('data', (chunk) => {
    text += chunk;
    const parts = text.split('\n');
    text = parts.pop();
    for (const line of parts) {
      const waiter = waiters.shift();
      if (waiter === undefined) lines.push(line);
      else waiter(line);
    }
  });
  const nextLine = () =>
    new Promise((resolve, reject) => {
      const line = lines.shift();
      if (line !== undefined) resolve(line);
      else waiters.push(resolve);
      child.once('exit', (code) => reject(new Error(`${scriptArgs.join(' ')} exited ${code}`)));
    });
  child.on('error', (error) => process.stderr.write(`bench: ${error.message}\n`));
  const first = JSON.parse(await nextLine());
  child.removeAllListeners('exit');
  return {
    baseUrl: first.baseUrl,
    /** One request line in, one JSON answer out (the scale server's protocol). */
    ask: async (message) => {
      child.stdin.write(`${JSON.stringify(message)}\n`);
      return JSON.parse(await nextLine());
    },
    stop: () => child.kill('SIGTERM'),
  };
}

const startSimulator = (extraArgs) => startServerProcess([bin, 'mock', '--port', '0', '--json', '--generation-time', '0', '--key', key, ...extraArgs]);

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

const nginxDir = join(tmp, 'nginx');
const nginxFiles = join(tmp, 'nginx-files');

/**
 * nginx on loopback, serving `<files>/<id>.mp4` at the API's own `/v1/videos/<id>/content` (a
 * plain download asks for nothing else), with sendfile, as a CDN serves a static file: strong
 * ETag, Last-Modified, ranges. The files are the simulator's, fetched once and kept in bench/tmp.
 */
async function startNginx() {
  mkdirSync(join(nginxDir, 'temp'), { recursive: true });
  const port = await freePort();
  const conf = join(nginxDir, 'nginx.conf');
  const temp = (name) => `${name}_temp_path ${join(nginxDir, 'temp', name)};`;
  writeFileSync(
    conf,
    `daemon off;
worker_processes 1;
pid ${join(nginxDir, 'nginx.pid')};
error_log ${join(nginxDir, 'error.log')};
events { worker_connections 64; }
http {
  access_log off;
  sendfile on;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  server {
    listen 127.0.0.1:${port};
    location ~ ^/v1/videos/(?<id>[A-Za-z0-9_-]+)/content$ {
      types { }
      default_type video/mp4;
      alias ${nginxFiles}/$id.mp4;
    }
  }
}
`,
  );
  const child = spawn('nginx', ['-c', conf, '-p', nginxDir], { stdio: ['ignore', 'ignore', 'inherit'] });
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries += 1) {
    const up = spawnSync('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code}', `${baseUrl}/`], { encoding: 'utf8' });
    if (up.status === 0) break;
    if (tries > 50 || child.exitCode !== null) throw new Error(`nginx did not start: ${readFileSync(join(nginxDir, 'error.log'), 'utf8').slice(-1000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { baseUrl, stop: () => child.kill('SIGQUIT') };
}

/** The file nginx serves for `id`: the simulator's bytes, fetched once. */
function ensureServedFile(simulator, id, bytes) {
  mkdirSync(nginxFiles, { recursive: true });
  const path = join(nginxFiles, `${id}.mp4`);
  if (existsSync(path) && statSync(path).size === bytes) return;
  process.stderr.write(`bench: fetching ${id} from the simulator for nginx...\n`);
  execFileSync('curl', ['-sS', '-f', '-H', `Authorization: Bearer ${key}`, '-o', path, `${simulator.baseUrl}/v1/videos/${id}/content`]);
}

// ---------------------------------------------------------------------------------------------
// Contenders

const configDir = join(tmp, 'config');

/**
 * The one environment every start-up contender runs in, node -e 0 too: the bench's own may set
 * NODE_EXTRA_CA_CERTS (this machine does), which costs every node start about 80 ms, and must
 * not slow the baseline alone.
 */
function cleanEnv(baseUrl) {
  return { PATH: process.env.PATH, HOME: process.env.HOME ?? tmp, EZVIDEO_API_KEY: key, EZVIDEO_BASE_URL: baseUrl, EZVIDEO_CONFIG_DIR: configDir };
}

const ezvideo = (baseUrl, commandArgs, options = {}) => measure(process.execPath, [bin, ...commandArgs], { env: cleanEnv(baseUrl), ...options });
const curl = (baseUrl, id, output) => measure('curl', ['-sS', '-f', '-H', `Authorization: Bearer ${key}`, '-o', output, `${baseUrl}/v1/videos/${id}/content`], { env: cleanEnv(baseUrl) });
/** `curl -o file && <then> file`: sha256sum for the --json rows, sync (fsync of the file) for a floor. */
const curlThen = (then, baseUrl, id, output) =>
  measure('sh', ['-c', `curl -sS -f -H "Authorization: Bearer $1" -o "$2" "$3" && ${then} "$2" > /dev/null`, 'sh', key, output, `${baseUrl}/v1/videos/${id}/content`], {
    env: cleanEnv(baseUrl),
  });
const nodeBare = (baseUrl) => measure(process.execPath, ['-e', '0'], { env: cleanEnv(baseUrl) });

function removeOutputs() {
  for (const name of ['ezvideo.mp4', 'curl.mp4', 'batch', 'scale']) rmSync(join(tmp, name), { recursive: true, force: true });
}

// ---------------------------------------------------------------------------------------------
// Sections

const results = { machine: undefined, sections: {}, skipped: [] };
const rows = [];

const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const fmtMiB = (mib) => `${mib.toFixed(1)} MiB`;
const fmtRatio = (ratio) => `${ratio.toFixed(2)}x`;
const sizeLabel = (size) => (size === '1g' ? '1 GiB' : '4 GiB');
/** `ok` is true or false against a target, undefined for a skipped row, null for a floor row. */
function row(measureName, ours, theirs, ratio, target, ok) {
  rows.push({ measure: measureName, ours, theirs, ratio, target, ok });
}

async function downloadSection(name, size, runs, server) {
  const id = `size_${size}_bench`;
  const out = (tool) => join(tmp, `${tool}.mp4`);
  const measured = await compare(
    {
      ezvideo: () => ezvideo(server.baseUrl, ['download', id, '-o', out('ezvideo')]),
      curl: () => curl(server.baseUrl, id, out('curl')),
      'ezvideo --json': () => ezvideo(server.baseUrl, ['download', id, '-o', out('ezvideo'), '--json']),
      'curl && sha256sum': () => curlThen('sha256sum', server.baseUrl, id, out('curl')),
    },
    runs,
    async () => removeOutputs(),
  );
  removeOutputs();
  results.sections[name] = measured;
  const { ezvideo: ours, curl: theirs } = measured;
  const json = measured['ezvideo --json'];
  const hashed = measured['curl && sha256sum'];
  const label = sizeLabel(size);
  const wall = ours.wallMs / theirs.wallMs;
  const cpu = ours.cpuMs / theirs.cpuMs;
  row(`${label} download: wall`, fmtMs(ours.wallMs), `curl ${fmtMs(theirs.wallMs)}`, fmtRatio(wall), '<= 1.0x', wall <= 1.0);
  row(`${label} download: CPU (user+sys)`, fmtMs(ours.cpuMs), `curl ${fmtMs(theirs.cpuMs)}`, fmtRatio(cpu), '<= 1.5x', cpu <= 1.5);
  const jsonWall = json.wallMs / hashed.wallMs;
  const jsonCpu = json.cpuMs / hashed.cpuMs;
  row(`${label} download --json (sha256): wall`, fmtMs(json.wallMs), `curl && sha256sum ${fmtMs(hashed.wallMs)}`, fmtRatio(jsonWall), '<= 1.0x', jsonWall <= 1.0);
  row(`${label} download --json (sha256): CPU`, fmtMs(json.cpuMs), `curl && sha256sum ${fmtMs(hashed.cpuMs)}`, fmtRatio(jsonCpu), '<= 1.0x', jsonCpu <= 1.0);
  const peak = Math.max(ours.rssMiB, json.rssMiB);
  if (size === '1g') {
    row(`${label} download: peak RSS (plain or --json)`, fmtMiB(peak), `curl ${fmtMiB(theirs.rssMiB)}`, fmtRatio(peak / theirs.rssMiB), '<= 120 MiB', peak <= 120);
  } else {
    const one = results.sections['download-1g'];
    const oneGiB = one === undefined ? undefined : Math.max(one.ezvideo.rssMiB, one['ezvideo --json'].rssMiB);
    const growth = oneGiB === undefined ? undefined : peak - oneGiB;
    row(
      `${label} download: peak RSS (plain or --json)`,
      fmtMiB(peak),
      oneGiB === undefined ? `curl ${fmtMiB(theirs.rssMiB)}` : `ezvideo at 1 GiB ${fmtMiB(oneGiB)}`,
      growth === undefined ? '-' : `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB`,
      '<= 120 MiB and <= 1 GiB + 10 MiB',
      peak <= 120 && (growth === undefined || growth <= 10),
    );
  }
}

/**
 * What a download section's targets leave for ezvideo's own work, against the same nginx. The
 * floor is a node process in which undici receives the body and drops it (for the --json rows:
 * and feeds every chunk to a sha256 on one thread, as ezvideo does), writing nothing: its wall
 * and CPU are what no client built on undici can go below, start-up included. `curl && sync`
 * is curl with ezvideo's durability (the file flushed to disk before the download counts as
 * done): what that flush alone costs. Compared with that section's curl, so it runs after it.
 */
async function floorsSection(downloadName, size, runs, server) {
  const id = `size_${size}_bench`;
  const url = `${server.baseUrl}/v1/videos/${id}/content`;
  const measured = await compare(
    {
      'undici receive': () => measure(process.execPath, [probe, url, key], { env: cleanEnv(server.baseUrl) }),
      'undici receive + sha256': () => measure(process.execPath, [probe, url, key, '--hash'], { env: cleanEnv(server.baseUrl) }),
      'curl && sync': () => curlThen('sync', server.baseUrl, id, join(tmp, 'curl.mp4')),
    },
    runs,
    async () => removeOutputs(),
  );
  removeOutputs();
  results.sections[`floors-${size}`] = measured;
  const { curl: curlFile, 'curl && sha256sum': hashed } = results.sections[downloadName];
  const label = sizeLabel(size);
  for (const [probeName, rowName, compared, comparedName, what] of [
    ['undici receive', `${label} download: floor, undici receive (no disk)`, curlFile, 'curl', ''],
    ['undici receive + sha256', `${label} download --json: floor, undici receive + sha256 (no disk)`, hashed, 'curl && sha256sum', ' --json'],
    ['curl && sync', `${label} download: floor, curl then sync of the file (flushed, as ezvideo lands it)`, curlFile, 'curl', ''],
  ]) {
    const floor = measured[probeName];
    for (const [unit, field] of [['wall', 'wallMs'], ['CPU', 'cpuMs']]) {
      row(`${rowName}: ${unit}`, fmtMs(floor[field]), `${comparedName} ${fmtMs(compared[field])}`, fmtRatio(floor[field] / compared[field]), `floor of the${what} ${unit} row`, null);
    }
  }
}

/**
 * `--version`, `--help` and `head` against `node -e 0`, every one in the same clean environment,
 * with the floors of the two that load the CLI (bench/startup-floor.mjs): commander through the
 * ES-module loader, and that plus one request through undici.
 */
async function startupSection(simulator) {
  const runs = runsFor(21);
  const content = `${simulator.baseUrl}/v1/videos/size_1g_bench/content`;
  const floorEnv = { env: cleanEnv(simulator.baseUrl) };
  const measured = await compare(
    {
      'node -e 0': () => nodeBare(simulator.baseUrl),
      '--version': () => ezvideo(simulator.baseUrl, ['--version']),
      '--help': () => ezvideo(simulator.baseUrl, ['--help']),
      head: () => ezvideo(simulator.baseUrl, ['head', 'size_1g_bench']),
      'floor: commander': () => measure(process.execPath, [startupFloor, 'commander'], floorEnv),
      'floor: commander + one request': () => measure(process.execPath, [startupFloor, 'request', content, key], floorEnv),
    },
    runs,
  );
  results.sections.startup = measured;
  const base = measured['node -e 0'].wallMs;
  /** A target row with its `limit`, or a floor row (no limit) for the row named by `floorOf`. */
  const ratioRow = (label, name, { limit, floorOf }) => {
    const ratio = measured[name].wallMs / base;
    row(label, fmtMs(measured[name].wallMs), `node -e 0 ${fmtMs(base)}`, fmtRatio(ratio), limit === undefined ? `floor of the ${floorOf} row` : `<= ${limit}x`, limit === undefined ? null : ratio <= limit);
  };
  ratioRow('start-up: ezvideo --version', '--version', { limit: 1.3 });
  ratioRow('start-up: ezvideo --help', '--help', { limit: 1.5 });
  ratioRow('start-up floor: node loading commander as the CLI does', 'floor: commander', { floorOf: '--help' });
  ratioRow('ezvideo head (local simulator)', 'head', { limit: 2 });
  ratioRow('start-up floor: that plus one request through undici', 'floor: commander + one request', { floorOf: 'head' });
}

async function connectionsSection(throttled) {
  const runs = runsFor(3);
  const size = '64m';
  const out = join(tmp, 'ezvideo.mp4');
  const measured = await compare(
    {
      'ezvideo --connections 4': (round) => ezvideo(throttled.baseUrl, ['download', `size_${size}_c4_${round}`, '-o', out, '--connections', '4']),
      'ezvideo --connections 1': (round) => ezvideo(throttled.baseUrl, ['download', `size_${size}_c1_${round}`, '-o', out, '--connections', '1']),
    },
    runs,
    async () => removeOutputs(),
  );
  removeOutputs();
  results.sections.connections = { throttleBytesPerSecond: throttle, size, ...measured };
  const four = measured['ezvideo --connections 4'];
  const one = measured['ezvideo --connections 1'];
  const speedup = one.wallMs / four.wallMs;
  row(`64 MiB at ${throttle / MiB} MiB/s per connection: --connections 4 vs 1`, fmtMs(four.wallMs), `--connections 1 ${fmtMs(one.wallMs)}`, `${speedup.toFixed(2)}x faster`, '>= 3.5x faster', speedup >= 3.5);
}

async function batchSection(throttled) {
  const runs = runsFor(3);
  const ids = (tag, round) => Array.from({ length: 32 }, (_, index) => `size_2m_${tag}${round}_${index}`);
  const dir = join(tmp, 'batch');
  const measured = await compare(
    {
      '--concurrency 8': (round) => ezvideo(throttled.baseUrl, ['download', '--dir', dir, '--concurrency', '8', ...ids('b8_', round)]),
      '--concurrency 1': (round) => ezvideo(throttled.baseUrl, ['download', '--dir', dir, '--concurrency', '1', ...ids('b1_', round)]),
    },
    runs,
    async () => removeOutputs(),
  );
  removeOutputs();
  results.sections.batch = { throttleBytesPerSecond: throttle, ids: 32, size: '2m', ...measured };
  const speedup = measured['--concurrency 1'].wallMs / measured['--concurrency 8'].wallMs;
  row(`32 ids of 2 MiB at ${throttle / MiB} MiB/s per connection: --concurrency 8 vs 1`, fmtMs(measured['--concurrency 8'].wallMs), `--concurrency 1 ${fmtMs(measured['--concurrency 1'].wallMs)}`, `${speedup.toFixed(2)}x faster`, '>= 6x faster', speedup >= 6);
}

/** Ids as arguments: 10,000 of them are about 150 KB, well within Linux's argument limit. */
const idList = (prefix, count) => Array.from({ length: count }, (_, index) => `${prefix}_${index}`);

/**
 * `wait --then-download` of 1,000 small ids that complete one after another over 60 s, one
 * sample: peak RSS, the requests each id cost against the poll policy's bound (maxStatusPolls of
 * the time from its first poll to its completion, plus one content request), and the wall time
 * against the ideal (the last completion plus its transfer, from the start of the command).
 */
async function scaleDownloadSection(scale) {
  const { maxStatusPolls } = await import('../dist/src/core/poll-policy.js');
  const count = 1_000;
  const windowMs = 60_000;
  const ids = idList('scale_dl', count);
  const generationMs = ids.map((_, index) => Math.round((windowMs * (index + 1)) / count));
  const { createdAt } = await scale.ask({ op: 'create', ids, generationMs, size: 64 * 1024 });
  const sample = await ezvideo(scale.baseUrl, ['wait', '--then-download', '--dir', join(tmp, 'scale'), ...ids]);
  removeOutputs();
  const { stats } = await scale.ask({ op: 'stats', ids });
  const over = [];
  let mostStatus = 0;
  let totalRequests = 0;
  stats.forEach(([status, content, firstStatusAt], index) => {
    const bound = maxStatusPolls(Math.max(0, createdAt + generationMs[index] - firstStatusAt));
    mostStatus = Math.max(mostStatus, status);
    totalRequests += status + content;
    if (status > bound || content !== 1) over.push({ id: ids[index], status, content, bound });
  });
  const lastContentMs = stats.at(-1)[4] ?? 0;
  const idealMs = createdAt + windowMs + lastContentMs - sample.startedAt;
  results.sections['scale-download'] = { ids: count, windowMs, sample, idealMs, totalRequests, mostStatus, overBound: over };
  row(`wait --then-download, ${count} ids of 64 KiB completing over 60 s: peak RSS (1 run)`, fmtMiB(sample.rssMiB), '-', '-', '<= 200 MiB', sample.rssMiB <= 200);
  row(
    `same: requests per id (1 content + status polls <= maxStatusPolls(completion - first poll))`,
    `${(totalRequests / count).toFixed(1)} a id, at most ${mostStatus} polls`,
    `${over.length} ids over the bound`,
    '-',
    'every id within the bound',
    over.length === 0,
  );
  const ratio = sample.wallMs / idealMs;
  row('same: wall', fmtMs(sample.wallMs), `ideal ${fmtMs(idealMs)}`, fmtRatio(ratio), '<= 1.3x', ratio <= 1.3);
}

/**
 * `wait --json` on 10,000 ids and on 1,000, status only, one sample each. Each id completes 4 s
 * after its first poll is due (firstPollOffsetMs), so each costs a few polls. Peak RSS, CPU
 * growth, the first status of every id against the first interval (the spread of the first
 * polls: max(initialMs, ids x minStartGapMs)), and the --json lines: one per id, each written
 * when its id ended (measured from the end of the id's last status answer to the line's arrival).
 */
async function scaleWaitSection(scale) {
  const { defaultPollPolicy, firstPollOffsetMs } = await import('../dist/src/core/poll-policy.js');
  const runOne = async (count) => {
    const ids = idList(`scale_w${count}`, count);
    const generationMs = ids.map((_, index) => firstPollOffsetMs(index, count, defaultPollPolicy.initialMs) + 4_000);
    await scale.ask({ op: 'create', ids, generationMs });
    const lines = [];
    const sample = await ezvideo(scale.baseUrl, ['wait', '--json', ...ids], { onLine: (line, at) => lines.push({ id: JSON.parse(line).id, at }) });
    const { stats } = await scale.ask({ op: 'stats', ids });
    const windowMs = Math.max(defaultPollPolicy.initialMs, count * defaultPollPolicy.minStartGapMs);
    const lastFirstPollMs = Math.max(...stats.map(([, , firstStatusAt]) => firstStatusAt - sample.startedAt));
    const endedAt = new Map(ids.map((id, index) => [id, stats[index][3]]));
    const lags = lines.map(({ id, at }) => at - endedAt.get(id)).sort((a, b) => a - b);
    return { count, sample, windowMs, lastFirstPollMs, lines: lines.length, distinctIds: new Set(lines.map(({ id }) => id)).size, firstLineMs: lines[0].at - sample.startedAt, lagMedianMs: median(lags), lagMaxMs: lags.at(-1) };
  };
  const small = await runOne(1_000);
  const large = await runOne(10_000);
  results.sections['scale-wait'] = { small, large };
  row(`wait --json, ${large.count} ids, status only: peak RSS (1 run)`, fmtMiB(large.sample.rssMiB), `${small.count} ids ${fmtMiB(small.sample.rssMiB)}`, '-', '<= 300 MiB', large.sample.rssMiB <= 300);
  const growth = large.sample.cpuMs / small.sample.cpuMs;
  row(`same: CPU, ${large.count} ids vs ${small.count}`, fmtMs(large.sample.cpuMs), `${small.count} ids ${fmtMs(small.sample.cpuMs)}`, fmtRatio(growth), '<= 12x', growth <= 12);
  for (const run of [large, small]) {
    const limit = run.windowMs * 1.1;
    row(`same, ${run.count} ids: the last first status, from the start`, fmtMs(run.lastFirstPollMs), `first interval ${fmtMs(run.windowMs)}`, fmtRatio(run.lastFirstPollMs / run.windowMs), '<= 1.1x', run.lastFirstPollMs <= limit);
  }
  row(
    `same, ${large.count} ids: --json lines, written as each id ends`,
    `${large.lines} lines, first at ${fmtMs(large.firstLineMs)}`,
    `wall ${fmtMs(large.sample.wallMs)}`,
    `lag median ${fmtMs(large.lagMedianMs)}, max ${fmtMs(large.lagMaxMs)}`,
    'one line per id, each <= 1 s after its id ended',
    large.lines === large.count && large.distinctIds === large.count && large.lagMaxMs <= 1000,
  );
}

// ---------------------------------------------------------------------------------------------

function versionOf(command, args, pattern) {
  if (!has(command)) return undefined;
  const run = spawnSync(command, args, { encoding: 'utf8' });
  return pattern.exec(`${run.stdout}${run.stderr}`)?.[1];
}

function machineLine() {
  const cpu = cpus();
  const distro = existsSync('/etc/os-release') ? (/PRETTY_NAME="([^"]+)"/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '') : '';
  return {
    date: new Date().toISOString(),
    cpu: cpu[0]?.model ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    os: `${distro} (Linux ${release()})`.trim(),
    node: process.version,
    curl: versionOf('curl', ['--version'], /^curl (\S+)/),
    nginx: versionOf('nginx', ['-v'], /nginx\/(\S+)/),
    loadBefore: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}

function printTable() {
  const machine = results.machine;
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}, node ${machine.node}, curl ${machine.curl ?? '-'}, nginx ${machine.nginx ?? '-'}; ${machine.date.slice(0, 10)}; load average before ${machine.loadBefore}, after ${machine.loadAfter}`,
    '',
    '| measure (medians) | ezvideo | compared with | ratio | target | met |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.measure} | ${r.ours} | ${r.theirs} | ${r.ratio} | ${r.target} | ${r.ok === null ? 'floor' : r.ok === undefined ? 'skipped' : r.ok ? 'yes' : '**no**'} |`),
  ];
  for (const skipped of results.skipped) lines.push(`\nSkipped: ${skipped}`);
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function main() {
  if (!existsSync(join(root, 'dist', 'src', 'cli.js'))) throw new Error('build first: npm run build (npm run bench does it)');
  const timeTool = ensureTool('/usr/bin/time', 'time');
  if (!timeTool.ok) throw new Error(`GNU time is needed to measure CPU and peak RSS: ${timeTool.why}`);
  mkdirSync(tmp, { recursive: true });
  mkdirSync(configDir, { recursive: true });
  const downloads = ['download-1g', 'download-4g'].filter(wanted);
  const curlTool = ensureTool('curl', 'curl');
  const nginxTool = downloads.length > 0 ? ensureTool('nginx', 'nginx') : { ok: false };
  results.machine = machineLine();

  const stops = [];
  try {
    const simulator = await startSimulator([]);
    stops.push(simulator.stop);
    const throttled = await startSimulator(['--throttle', String(throttle)]);
    stops.push(throttled.stop);
    if (downloads.length > 0 && !(curlTool.ok && nginxTool.ok)) {
      results.skipped.push(`download and floors rows: ${curlTool.ok ? nginxTool.why : curlTool.why}`);
    } else if (downloads.length > 0) {
      const nginx = await startNginx();
      stops.push(nginx.stop);
      for (const [name, size, bytes, runs, floorRuns] of [['download-1g', '1g', 1024 * MiB, 7, 5], ['download-4g', '4g', 4096 * MiB, 3, 3]]) {
        if (!wanted(name)) continue;
        ensureServedFile(simulator, `size_${size}_bench`, bytes);
        await downloadSection(name, size, runsFor(runs), nginx);
        if (wanted('floors')) await floorsSection(name, size, runsFor(floorRuns), nginx);
      }
    }
    if (wanted('floors') && downloads.length === 0) {
      results.skipped.push('floors rows: they compare with curl in a download section; add download-1g or download-4g to --only');
    }
    if (wanted('startup') || wanted('head')) await startupSection(simulator);
    if (wanted('connections')) await connectionsSection(throttled);
    if (wanted('batch')) await batchSection(throttled);
    if (wanted('scale-download') || wanted('scale-wait')) {
      const scale = await startServerProcess([scaleServer, key]);
      stops.push(scale.stop);
      if (wanted('scale-download')) await scaleDownloadSection(scale);
      if (wanted('scale-wait')) await scaleWaitSection(scale);
    }
  } finally {
    for (const stop of stops) stop();
    removeOutputs();
    rmSync(configDir, { recursive: true, force: true });
    rmSync(join(tmp, 'time.txt'), { force: true });
  }
  results.machine.loadAfter = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  results.rows = rows;
  writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable();
}

main().catch((error) => {
  process.stderr.write(`bench: ${error.stack ?? error}\n`);
  process.exit(1);
});
