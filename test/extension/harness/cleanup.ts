// Synchronous clean-up that must happen however the runner ends: normal exit, an uncaught error,
// or a signal (Ctrl+C, `timeout`, CI cancel — where Node would otherwise exit without 'exit').
const tasks = new Set<() => void>();
let installed = false;

function runAll(): void {
  for (const t of [...tasks].reverse()) {
    try {
      t();
    } catch {
      // keep going: the rest still has to happen
    }
  }
  tasks.clear();
}

/** Registers `task` (synchronous) to run at exit; returns a function that unregisters it. */
export function onExit(task: () => void): () => void {
  if (!installed) {
    installed = true;
    process.on('exit', runAll);
    for (const [signal, n] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const) {
      process.once(signal, () => {
        runAll();
        process.exit(128 + n);
      });
    }
  }
  tasks.add(task);
  return () => void tasks.delete(task);
}
