#!/usr/bin/env node
// `npm run bench`: ezvideo against curl, aria2c and bare node on this machine, in one run, side
// by side. Every figure is the median of several runs, interleaved (ezvideo, curl, ezvideo, ...)
// so that the noise of a shared machine falls on both sides alike. Prints a markdown table and
// writes the figures to bench/results.json. Rows marked "floor" are not targets: they measure,
// in the same run, what a target leaves for ezvideo's own work. Options: --only <section,...>
// (download-1g, download-4g, floors (after each download section), startup, head, connections,
// batch), --runs <n> (overrides every section's count), --no-install (skip a missing
// curl/aria2c instead of installing it with apt-get).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, release, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tmp = join(root, 'bench', 'tmp');
const bin = join(root, 'bin', 'ezvideo.js');
const probe = join(root, 'bench', 'floor-probe.mjs');
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
 * Runs a command under GNU time (user and system CPU, peak RSS of the process tree's largest
 * process) and measures its wall time here, with sub-millisecond resolution.
 */
function measure(command, commandArgs, options = {}) {
  const timeFile = join(tmp, 'time.txt');
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn('/usr/bin/time', ['-f', '%U %S %M', '-o', timeFile, command, ...commandArgs], {
      env: options.env ?? process.env,
      cwd: options.cwd ?? root,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
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
      resolve({ wallMs, cpuMs: (user + system) * 1000, rssMiB: rssKiB / 1024 });
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
// The simulator, as its own process (its CPU is not ours)

async function startSimulator(extraArgs) {
  const child = spawn(process.execPath, [bin, 'mock', '--port', '0', '--json', '--generation-time', '0', '--key', key, ...extraArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise((resolve, reject) => {
    let text = '';
    child.stdout.on('data', (chunk) => {
      text += chunk;
      if (text.includes('\n')) resolve(text.split('\n')[0]);
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`the simulator exited ${code}`)));
  });
  child.removeAllListeners('exit');
  return { baseUrl: JSON.parse(line).baseUrl, stop: () => child.kill('SIGTERM') };
}

// ---------------------------------------------------------------------------------------------
// Contenders

const configDir = join(tmp, 'config');

function ezvideoEnv(baseUrl) {
  return { PATH: process.env.PATH, HOME: process.env.HOME ?? tmp, EZVIDEO_API_KEY: key, EZVIDEO_BASE_URL: baseUrl, EZVIDEO_CONFIG_DIR: configDir };
}

const ezvideo = (baseUrl, commandArgs) => measure(process.execPath, [bin, ...commandArgs], { env: ezvideoEnv(baseUrl) });
const curl = (baseUrl, id, output) => measure('curl', ['-sS', '-f', '-H', `Authorization: Bearer ${key}`, '-o', output, `${baseUrl}/v1/videos/${id}/content`]);
const aria2c = (baseUrl, id, output) =>
  measure('aria2c', [
    '-x4', '-s4', '-k1M', '--file-allocation=none', '--allow-overwrite=true', '--auto-file-renaming=false',
    '--console-log-level=error', '--summary-interval=0', '--download-result=hide', '-q',
    '--header', `Authorization: Bearer ${key}`, '-d', tmp, '-o', output, `${baseUrl}/v1/videos/${id}/content`,
  ]);
const nodeBare = () => measure(process.execPath, ['-e', '0']);

function removeOutputs() {
  for (const name of ['ezvideo.mp4', 'curl.mp4', 'aria2c.mp4', 'batch']) rmSync(join(tmp, name), { recursive: true, force: true });
  rmSync(join(tmp, 'aria2c.mp4.aria2'), { force: true });
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

async function downloadSection(name, size, runs, simulator) {
  const id = `size_${size}_bench`;
  const out = (tool) => join(tmp, `${tool}.mp4`);
  const measured = await compare(
    {
      ezvideo: () => ezvideo(simulator.baseUrl, ['download', id, '-o', out('ezvideo')]),
      curl: () => curl(simulator.baseUrl, id, out('curl')),
    },
    runs,
    async () => removeOutputs(),
  );
  removeOutputs();
  results.sections[name] = measured;
  const { ezvideo: ours, curl: theirs } = measured;
  const wall = ours.wallMs / theirs.wallMs;
  const cpu = ours.cpuMs / theirs.cpuMs;
  const label = sizeLabel(size);
  row(`${label} download: wall`, fmtMs(ours.wallMs), `curl ${fmtMs(theirs.wallMs)}`, fmtRatio(wall), '<= 1.0x', wall <= 1.0);
  row(`${label} download: CPU (user+sys, sha256 included)`, fmtMs(ours.cpuMs), `curl ${fmtMs(theirs.cpuMs)}`, fmtRatio(cpu), '<= 1.5x', cpu <= 1.5);
  if (size === '1g') {
    row(`${label} download: peak RSS`, fmtMiB(ours.rssMiB), `curl ${fmtMiB(theirs.rssMiB)}`, fmtRatio(ours.rssMiB / theirs.rssMiB), '<= 120 MiB', ours.rssMiB <= 120);
  } else {
    const oneGiB = results.sections['download-1g']?.ezvideo.rssMiB;
    const growth = oneGiB === undefined ? undefined : ours.rssMiB - oneGiB;
    row(
      `${label} download: peak RSS`,
      fmtMiB(ours.rssMiB),
      oneGiB === undefined ? `curl ${fmtMiB(theirs.rssMiB)}` : `ezvideo at 1 GiB ${fmtMiB(oneGiB)}`,
      growth === undefined ? '-' : `${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MiB`,
      '<= 1 GiB + 10 MiB',
      growth === undefined ? ours.rssMiB <= 120 : growth <= 10,
    );
  }
}

/**
 * What a download section's targets leave for ezvideo's own work. The floor is undici receiving
 * the body and feeding it to a sha256 on one thread, as ezvideo does, without writing it: its
 * wall time is the floor of the wall row, and 1.5x curl's CPU minus its CPU is what the CPU
 * target leaves for writing the file, set against what writing costs curl (curl -o file minus
 * curl -o /dev/null). Receiving alone is measured too, to split the floor between undici and the
 * hash. Compared with that section's curl, so it runs after the section.
 */
async function floorsSection(downloadName, size, runs, simulator) {
  const id = `size_${size}_bench`;
  const url = `${simulator.baseUrl}/v1/videos/${id}/content`;
  const measured = await compare(
    {
      'curl -o /dev/null': () => curl(simulator.baseUrl, id, '/dev/null'),
      'undici receive': () => measure(process.execPath, [probe, url, key]),
      'undici receive + sha256': () => measure(process.execPath, [probe, url, key, '--hash']),
    },
    runs,
  );
  const curlFile = results.sections[downloadName].curl;
  const floor = measured['undici receive + sha256'];
  const leftForWritingCpuMs = 1.5 * curlFile.cpuMs - floor.cpuMs;
  const curlWritingCpuMs = curlFile.cpuMs - measured['curl -o /dev/null'].cpuMs;
  results.sections[`floors-${size}`] = { ...measured, derived: { leftForWritingCpuMs, curlWritingCpuMs } };
  const label = sizeLabel(size);
  row(`${label} download: wall floor, undici receive + sha256 on one thread (no disk)`, fmtMs(floor.wallMs), `curl ${fmtMs(curlFile.wallMs)}`, fmtRatio(floor.wallMs / curlFile.wallMs), 'floor of the 1.0x row', null);
  row(`${label} download: CPU floor, undici receive + sha256 (no disk)`, fmtMs(floor.cpuMs), `curl ${fmtMs(curlFile.cpuMs)}`, fmtRatio(floor.cpuMs / curlFile.cpuMs), 'floor of the 1.5x row', null);
  row(`${label} download: CPU the 1.5x target leaves for writing the file`, fmtMs(leftForWritingCpuMs), `curl's writing ${fmtMs(curlWritingCpuMs)}`, fmtRatio(leftForWritingCpuMs / curlWritingCpuMs), 'floor of the 1.5x row', null);
}

async function startupSection(simulator) {
  const runs = runsFor(21);
  const measured = await compare(
    {
      'node -e 0': () => nodeBare(),
      '--version': () => ezvideo(simulator.baseUrl, ['--version']),
      '--help': () => ezvideo(simulator.baseUrl, ['--help']),
    },
    runs,
  );
  results.sections.startup = measured;
  const base = measured['node -e 0'].wallMs;
  for (const [name, limit] of [['--version', 1.3], ['--help', 1.5]]) {
    const ratio = measured[name].wallMs / base;
    row(`start-up: ezvideo ${name}`, fmtMs(measured[name].wallMs), `node -e 0 ${fmtMs(base)}`, fmtRatio(ratio), `<= ${limit}x`, ratio <= limit);
  }
}

async function headSection(simulator) {
  const runs = runsFor(21);
  const measured = await compare(
    {
      'node -e 0': () => nodeBare(),
      head: () => ezvideo(simulator.baseUrl, ['head', 'size_1g_bench']),
    },
    runs,
  );
  results.sections.head = measured;
  const ratio = measured.head.wallMs / measured['node -e 0'].wallMs;
  row('ezvideo head (local server)', fmtMs(measured.head.wallMs), `node -e 0 ${fmtMs(measured['node -e 0'].wallMs)}`, fmtRatio(ratio), '<= 2x', ratio <= 2);
}

async function connectionsSection(throttled, aria) {
  const runs = runsFor(3);
  const sizeMiB = 64;
  const size = `${sizeMiB}m`;
  const out = (tool) => join(tmp, `${tool}.mp4`);
  const contenders = {
    'ezvideo --connections 4': (round) => ezvideo(throttled.baseUrl, ['download', `size_${size}_c4_${round}`, '-o', out('ezvideo'), '--connections', '4']),
    'ezvideo --connections 1': (round) => ezvideo(throttled.baseUrl, ['download', `size_${size}_c1_${round}`, '-o', out('ezvideo'), '--connections', '1']),
  };
  if (aria.ok) {
    contenders['aria2c -x4'] = (round) => aria2c(throttled.baseUrl, `size_${size}_a4_${round}`, 'aria2c.mp4');
    contenders['node -e 0'] = () => nodeBare();
  }
  const measured = await compare(contenders, runs, async () => removeOutputs());
  removeOutputs();
  results.sections.connections = { throttleBytesPerSecond: throttle, size, ...measured };
  const four = measured['ezvideo --connections 4'];
  const one = measured['ezvideo --connections 1'];
  const speedup = one.wallMs / four.wallMs;
  row(`64 MiB at ${throttle / MiB} MiB/s per connection: --connections 4 vs 1`, fmtMs(four.wallMs), `--connections 1 ${fmtMs(one.wallMs)}`, `${speedup.toFixed(2)}x faster`, '>= 3.5x faster', speedup >= 3.5);
  if (aria.ok) {
    const ratio = four.wallMs / measured['aria2c -x4'].wallMs;
    row(`64 MiB at ${throttle / MiB} MiB/s per connection: --connections 4 vs aria2c -x4`, fmtMs(four.wallMs), `aria2c -x4 ${fmtMs(measured['aria2c -x4'].wallMs)}`, fmtRatio(ratio), '<= 1.0x', ratio <= 1.0);
    // Four connections at the throttle's rate cannot take less than this, and node starts first.
    const throttleFloorMs = ((sizeMiB * MiB) / (4 * throttle)) * 1000;
    const floor = throttleFloorMs + measured['node -e 0'].wallMs;
    row(`64 MiB at ${throttle / MiB} MiB/s per connection: floor (the throttle's ${fmtMs(throttleFloorMs)} + node -e 0)`, fmtMs(floor), `aria2c -x4 ${fmtMs(measured['aria2c -x4'].wallMs)}`, fmtRatio(floor / measured['aria2c -x4'].wallMs), 'floor of the 1.0x row', null);
  } else {
    row('--connections 4 vs aria2c -x4', '-', '-', '-', '<= 1.0x', undefined);
  }
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

// ---------------------------------------------------------------------------------------------

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
    curl: has('curl') ? execFileSync('curl', ['--version'], { encoding: 'utf8' }).split(' ')[1] : undefined,
    aria2c: has('aria2c') ? /version (\S+)/.exec(execFileSync('aria2c', ['--version'], { encoding: 'utf8' }))?.[1] : undefined,
  };
}

function printTable() {
  const machine = results.machine;
  const lines = [
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGiB} GiB RAM, ${machine.os}, node ${machine.node}, curl ${machine.curl ?? '-'}, aria2c ${machine.aria2c ?? '-'}; ${machine.date.slice(0, 10)}`,
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
  const curlTool = ensureTool('curl', 'curl');
  const ariaTool = wanted('connections') ? ensureTool('aria2c', 'aria2') : { ok: false };
  if (!ariaTool.ok && wanted('connections')) results.skipped.push(`aria2c row: ${ariaTool.why}`);
  results.machine = machineLine();

  const simulator = await startSimulator([]);
  const throttled = await startSimulator(['--throttle', String(throttle)]);
  try {
    if (curlTool.ok) {
      for (const [name, size, runs, floorRuns] of [['download-1g', '1g', 9, 5], ['download-4g', '4g', 3, 3]]) {
        if (!wanted(name)) continue;
        await downloadSection(name, size, runsFor(runs), simulator);
        if (wanted('floors')) await floorsSection(name, size, runsFor(floorRuns), simulator);
      }
      if (wanted('floors') && !wanted('download-1g') && !wanted('download-4g')) {
        results.skipped.push('floors rows: they compare with curl in a download section; add download-1g or download-4g to --only');
      }
    } else {
      results.skipped.push(`download rows: ${curlTool.why}`);
    }
    if (wanted('startup')) await startupSection(simulator);
    if (wanted('head')) await headSection(simulator);
    if (wanted('connections')) await connectionsSection(throttled, ariaTool);
    if (wanted('batch')) await batchSection(throttled);
  } finally {
    simulator.stop();
    throttled.stop();
    removeOutputs();
    rmSync(configDir, { recursive: true, force: true });
    rmSync(join(tmp, 'time.txt'), { force: true });
  }
  results.rows = rows;
  writeFileSync(join(root, 'bench', 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
  printTable();
}

main().catch((error) => {
  process.stderr.write(`bench: ${error.stack ?? error}\n`);
  process.exit(1);
});
