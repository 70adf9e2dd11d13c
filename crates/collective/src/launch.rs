//! Running a program under `mpirun` with a deadline, for the MPI tests of this workspace and
//! for benchmarks: a job that hangs is killed and reported, never left running.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

/// How one job ended.
#[derive(Debug, Clone)]
pub struct Job {
    /// The launcher's exit status (`None` if it was killed by a signal).
    pub status: Option<i32>,
    /// Wall-clock time from launch to exit.
    pub elapsed: Duration,
    /// Everything the ranks printed on stdout.
    pub stdout: String,
    /// Everything the ranks (and the launcher) printed on stderr.
    pub stderr: String,
}

impl Job {
    /// Status, time and both streams, for a failing test's message.
    pub fn describe(&self) -> String {
        format!(
            "exit status {:?} after {:.1} s\n--- stdout\n{}--- stderr\n{}",
            self.status,
            self.elapsed.as_secs_f64(),
            self.stdout,
            self.stderr
        )
    }
}

/// The MPI launcher: `mpirun` from `PATH`, or `$LOGREG_MPIRUN`, with the flags Open MPI needs
/// to run more ranks than cores and to run as root.
#[derive(Debug, Clone)]
pub struct Launcher {
    program: String,
    flags: Vec<String>,
    /// Open MPI: its own `--timeout` ends a hung job cleanly, before the caller's deadline.
    open_mpi: bool,
}

impl Launcher {
    /// Finds the launcher, or says how to install one.
    pub fn find() -> Result<Launcher, String> {
        let program = std::env::var("LOGREG_MPIRUN").unwrap_or_else(|_| "mpirun".into());
        let version = Command::new(&program)
            .arg("--version")
            .output()
            .map_err(|e| {
                format!(
                    "cannot run `{program}` ({e}): these tests need an MPI launcher; install Open \
                     MPI (`apt-get install openmpi-bin libopenmpi-dev`) or set LOGREG_MPIRUN"
                )
            })?;
        let text = String::from_utf8_lossy(&version.stdout).into_owned()
            + &String::from_utf8_lossy(&version.stderr);
        // Open MPI refuses more ranks than cores and refuses root without these.
        let open_mpi = text.contains("Open MPI") || text.contains("OpenRTE");
        let flags = if open_mpi {
            ["--oversubscribe", "--allow-run-as-root"]
                .map(String::from)
                .to_vec()
        } else {
            Vec::new()
        };
        Ok(Launcher {
            program,
            flags,
            open_mpi,
        })
    }

    /// Runs `program args…` on `size` ranks; a job still running after `deadline` is killed
    /// (its whole process group) and reported as hung.
    pub fn run(
        &self,
        size: usize,
        program: &Path,
        args: &[String],
        deadline: Duration,
    ) -> Result<Job, String> {
        let mut command = Command::new(&self.program);
        command.args(&self.flags);
        if self.open_mpi {
            // A few seconds before the deadline (a slow machine may need all of it).
            let seconds = deadline.saturating_sub(Duration::from_secs(5)).as_secs();
            command.args(["--timeout", &seconds.max(1).to_string()]);
        }
        command
            .arg("-n")
            .arg(size.to_string())
            .arg(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        #[cfg(unix)]
        {
            // Its own process group, so that a hung job can be killed whole.
            use std::os::unix::process::CommandExt;
            command.process_group(0);
        }
        let start = Instant::now();
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start `{}`: {e}", self.program))?;
        let stdout = drain(child.stdout.take());
        let stderr = drain(child.stderr.take());
        let status = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status.code(),
                Ok(None) if start.elapsed() > deadline => {
                    kill_group(child.id());
                    let _ = child.wait();
                    return Err(format!(
                        "the job hung: killed after {} s (stderr so far: {})",
                        deadline.as_secs(),
                        stderr.join().unwrap_or_default()
                    ));
                }
                Ok(None) => thread::sleep(Duration::from_millis(20)),
                Err(e) => return Err(format!("cannot wait for `{}`: {e}", self.program)),
            }
        };
        let elapsed = start.elapsed();
        Ok(Job {
            status,
            elapsed,
            stdout: stdout.join().unwrap_or_default(),
            stderr: stderr.join().unwrap_or_default(),
        })
    }
}

fn drain<R: Read + Send + 'static>(pipe: Option<R>) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let mut bytes = Vec::new();
            let _ = pipe.read_to_end(&mut bytes);
            text = String::from_utf8_lossy(&bytes).into_owned();
        }
        text
    })
}

fn kill_group(pid: u32) {
    let _ = Command::new("kill")
        .args(["-KILL", &format!("-{pid}")])
        .status();
}
