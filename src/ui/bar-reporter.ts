import { MultiBar } from 'cli-progress';
import type { SingleBar } from 'cli-progress';
import ora, { spinners } from 'ora';
import type { Ora } from 'ora';
import type { EngineEvent } from '../core/events.js';
import { DownloadProgress } from './download-progress.js';
import { doneLine, failedLine, pollErrorLine, retryLine, startLine, stoppedLine, waitDoneLine } from './event-text.js';
import { idWarningLine } from './messages.js';
import type { Reporter, ReporterContext } from './reporter.js';
import { asTerminal } from './terminal-stream.js';
import { formatBytes, formatDuration, formatRate } from '../units.js';
import { WaitBoard, fit } from './wait-board.js';

const FPS = 10;
const DEFAULT_COLUMNS = 80;
const ID_COLUMN = 20;
const MAX_BAR_WIDTH = 30;

interface ActiveDownload {
  progress: DownloadProgress;
  bar: SingleBar;
}

/**
 * Live bars and a spinner on a terminal.
 *
 * Exactly one renderer owns the terminal at a time, since cli-progress and ora each assume
 * they alone move the cursor:
 * - while any download runs, a cli-progress MultiBar: one row per download, plus one summary
 *   row for the ids still being waited for (`wait --then-download` with many ids);
 * - while only waits are running, an ora spinner with the per-id view of WaitBoard;
 * - otherwise nothing, and lines are written directly.
 * `sync()` moves between these after every event. Lines (retries, warnings, done) are printed
 * above whichever renderer is live: MultiBar.log() then an immediate redraw, or a plain write
 * that ora itself moves above the spinner.
 *
 * Rows are formatted here, not by cli-progress's templates, so speed and ETA come from the
 * injected clock, and they are plain text cut to the width: cli-progress truncates a row by
 * string length (escape codes included), which would cut a coloured row mid-sequence.
 */
export function createBarReporter({ stream, chalk, sayIdFailures, now }: ReporterContext): Reporter {
  const terminal = asTerminal(stream);
  const downloads = new Map<string, ActiveDownload>();
  const waits = new WaitBoard();
  let multibar: MultiBar | undefined;
  let waitRow: SingleBar | undefined;
  let spinner: Ora | undefined;
  let closed = false;

  const width = (): number => terminal.columns ?? DEFAULT_COLUMNS;

  function print(line: string): void {
    if (multibar !== undefined) {
      multibar.log(`${line}\n`);
      multibar.update();
    } else {
      // A running ora spinner clears itself around writes to its stream and redraws below
      // them (documented in ora's readme), so a line can go straight to the terminal.
      terminal.write(`${line}\n`);
    }
  }

  function startMultibar(): MultiBar {
    const bars = new MultiBar({
      stream: terminal,
      fps: FPS,
      hideCursor: true,
      // Finished downloads leave a printed line instead of a frozen bar, so on stop the live
      // area is erased and the cursor is left at the start of a fresh line.
      clearOnComplete: true,
      // cli-progress would otherwise switch off terminal wrapping, cutting long log lines.
      linewrap: true,
      // Signals belong to src/cli.ts, which closes the reporter on SIGINT/SIGTERM.
      gracefulExit: false,
    });
    // Waits already running get the top row; the download that caused the switch goes below.
    if (waits.size > 0) waitRow = addWaitRow(bars);
    return bars;
  }

  function addWaitRow(bars: MultiBar): SingleBar {
    return bars.create(1, 0, {}, { format: (_o, params) => waits.summary(params.maxWidth - 1) });
  }

  function stopMultibar(): void {
    if (multibar === undefined) return;
    multibar.update(); // flush lines logged since the last redraw
    multibar.stop();
    multibar = undefined;
    waitRow = undefined;
  }

  function spinnerText(): string {
    return waits.lines(width() - 2).join('\n');
  }

  function startSpinner(): Ora {
    return ora({
      stream: terminal,
      text: spinnerText(),
      // ora's own chalk guesses colour from process; colour the frames with ours instead.
      color: false,
      spinner: { interval: spinners.dots.interval, frames: spinners.dots.frames.map((frame) => chalk.cyan(frame)) },
      // ora turns itself off under CI or without a TTY; bar mode was chosen deliberately.
      isEnabled: true,
      // stdin belongs to the command (ids may come from `-`); raw mode would swallow them.
      discardStdin: false,
    }).start();
  }

  function stopSpinner(): void {
    spinner?.stop();
    spinner = undefined;
  }

  /** Puts the right renderer on the terminal for what is running now. */
  function sync(): void {
    if (downloads.size > 0) {
      stopSpinner();
      multibar ??= startMultibar();
      if (waits.size === 0 && waitRow !== undefined) {
        multibar.remove(waitRow);
        waitRow = undefined;
      } else if (waits.size > 0 && waitRow === undefined) {
        waitRow = addWaitRow(multibar);
      }
      return;
    }
    stopMultibar();
    if (waits.size === 0) {
      stopSpinner();
    } else if (spinner === undefined) {
      spinner = startSpinner();
    } else {
      spinner.text = spinnerText();
      spinner.render();
    }
  }

  function downloadRow(progress: DownloadProgress, maxWidth: number): string {
    const at = now();
    const speed = progress.speed(at);
    const rate = speed === undefined ? '' : formatRate(speed);
    // Ids are aligned across rows, but a long id (openai's are 40+ characters) is cut short.
    const idWidth = Math.min(ID_COLUMN, Math.max(...[...downloads.keys()].map((id) => id.length)));
    const id = fit(progress.id, ID_COLUMN).padEnd(idWidth);
    const percent = progress.percent();
    if (percent === undefined || progress.totalBytes === undefined) {
      return fit([id, formatBytes(progress.bytes), rate].filter(Boolean).join('  '), maxWidth);
    }
    const eta = progress.etaMs(at);
    const tail = [
      `${Math.floor(percent)}%`.padStart(4),
      `${formatBytes(progress.bytes)}/${formatBytes(progress.totalBytes)}`,
      rate,
      `ETA ${eta === undefined ? '--' : formatDuration(eta)}`,
    ]
      .filter(Boolean)
      .join('  ');
    const barWidth = Math.min(MAX_BAR_WIDTH, maxWidth - id.length - tail.length - 3);
    if (barWidth < 5) return fit(`${id} ${tail}`, maxWidth);
    const filled = Math.round((percent / 100) * barWidth);
    return fit(`${id} ${'█'.repeat(filled)}${'░'.repeat(barWidth - filled)} ${tail}`, maxWidth);
  }

  function onStart(event: Extract<EngineEvent, { type: 'download-start' }>): void {
    const known = downloads.get(event.id);
    if (known !== undefined) {
      known.progress.restart(event, now());
      return;
    }
    const progress = new DownloadProgress(event, now());
    stopSpinner();
    multibar ??= startMultibar();
    // A bar that starts part-way would not say why; a log says `resuming ... at`, so does this.
    if (event.offset > 0) print(startLine(event));
    const bar = multibar.create(1, 0, {}, { format: (_o, params) => downloadRow(progress, params.maxWidth - 1) });
    downloads.set(event.id, { progress, bar });
    // Draw the new row now rather than at the next tick, so a download shows from its start.
    multibar.update();
  }

  function finishDownload(id: string, line: string | undefined): void {
    const download = downloads.get(id);
    if (line !== undefined) print(line);
    if (download === undefined) return;
    downloads.delete(id);
    multibar?.remove(download.bar);
    sync();
  }

  function event(event: EngineEvent): void {
    if (closed) return;
    const at = now();
    switch (event.type) {
      case 'download-start':
        onStart(event);
        return;
      case 'download-progress':
        // The row reads this on the MultiBar's next redraw (FPS per second at most).
        downloads.get(event.id)?.progress.update(event, at);
        return;
      case 'download-retry':
        print(retryLine(chalk, event));
        return;
      case 'download-warning':
        print(idWarningLine(chalk, event.id, event.message));
        return;
      case 'download-done':
        finishDownload(event.id, doneLine(chalk, event, downloads.get(event.id)?.progress, at));
        return;
      case 'download-failed':
        finishDownload(event.id, sayIdFailures ? failedLine(chalk, event) : undefined);
        return;
      case 'wait-start':
        waits.expect(event.ids);
        sync();
        return;
      case 'wait-status':
        waits.update(event, at);
        sync();
        return;
      case 'wait-poll-error':
        print(pollErrorLine(chalk, event));
        return;
      case 'wait-done': {
        // Update the live view first, so the line is printed above the view without this id.
        const firstSeenAt = waits.remove(event.id);
        sync();
        if (sayIdFailures || event.exitCode === 0) print(waitDoneLine(chalk, event, firstSeenAt === undefined ? undefined : at - firstSeenAt));
        return;
      }
    }
  }

  return {
    event,
    close: () => {
      if (closed) return;
      closed = true;
      // Downloads still running were interrupted: say where each stopped, for the resume.
      for (const { progress } of downloads.values()) print(stoppedLine(progress));
      stopMultibar();
      stopSpinner();
      downloads.clear();
    },
  };
}
