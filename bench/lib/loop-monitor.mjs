/**
 * Preloaded into a benchmarked server (`node --import ./bench/lib/loop-monitor.mjs`): measures
 * its event loop. On SIGUSR2 it writes what it saw since the previous SIGUSR2 to the JSON file
 * named by BENCH_LOOP_FILE, and starts again:
 *   delay     monitorEventLoopDelay (5 ms resolution): max and p99 of how late a timer ran, in ms
 *   stretch   a 5 ms heartbeat: the longest stretch between two turns, in wall time and in the
 *             process's CPU time during it (a loaded machine inflates the first, not the second)
 */
import { writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.BENCH_LOOP_FILE;
const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
let lastAt = performance.now();
let lastCpu = cpuMs();
let longest = { wallMs: 0, cpuMs: 0 };
setInterval(() => {
  const at = performance.now();
  const cpu = cpuMs();
  longest.wallMs = Math.max(longest.wallMs, at - lastAt);
  longest.cpuMs = Math.max(longest.cpuMs, cpu - lastCpu);
  lastAt = at;
  lastCpu = cpu;
}, 5).unref();

process.on('SIGUSR2', () => {
  const report = { delay: { maxMs: delay.max / 1e6, p99Ms: delay.percentile(99) / 1e6 }, stretch: longest };
  if (file) writeFileSync(file, JSON.stringify(report));
  delay.reset();
  longest = { wallMs: 0, cpuMs: 0 };
});
