const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Binary units with one decimal (`12.0 MiB`), because sizes on disk are powers of two. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  // Compare the rounded value, or 1048575 bytes would print as "1024.0 KiB".
  while (Number(value.toFixed(1)) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** `0.4s`, `12s`, `3m05s`, `2h04m`: short enough for a bar, precise where it matters. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, ms) / 1000;
  // Each format is chosen by the value it will print: 9.96 s is `10s`, 59.6 s is `1m00s`.
  if (Number(seconds.toFixed(1)) < 10) return `${seconds.toFixed(1)}s`;
  if (Math.round(seconds) < 60) return `${Math.round(seconds)}s`;
  const totalSeconds = Math.round(seconds);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes}m${String(totalSeconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
