//! Saving and loading models as JSON with a format version, checked before anything else is read.

use crate::binary::FittedLogisticRegression;
use crate::labels::Label;
use crate::ModelError;
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use std::io::{self, Write};
use std::path::Path;

/// The format version this program writes. Version 2 stores the solver with its own settings and
/// stop reasons by name; files of version 1 are still read (their parameters and reports are
/// converted on reading).
pub const FORMAT_VERSION: u64 = 2;

/// The oldest format version this program reads.
pub(crate) const OLDEST_READABLE_VERSION: u64 = 1;

#[derive(Serialize)]
struct Envelope<'a, T> {
    format_version: u64,
    kind: &'a str,
    content: &'a T,
}

#[derive(Deserialize)]
struct Header {
    format_version: Option<u64>,
    kind: Option<String>,
}

#[derive(Deserialize)]
struct Owned<T> {
    content: T,
}

fn json_error(e: serde_json::Error) -> ModelError {
    // serde_json's text ends with " at line L column C"; the error states the position itself.
    let text = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    let bare = text.strip_suffix(&suffix).unwrap_or(&text);
    let message = if e.is_eof() {
        format!("the file is truncated ({bare})")
    } else {
        bare.to_string()
    };
    ModelError::Json {
        message,
        line: e.line(),
        column: e.column(),
    }
}

/// Serialize `value` as pretty JSON inside `{format_version, kind, content}`.
pub fn to_versioned_json<T: Serialize>(kind: &str, value: &T) -> Result<String, ModelError> {
    serde_json::to_string_pretty(&Envelope {
        format_version: FORMAT_VERSION,
        kind,
        content: value,
    })
    .map_err(json_error)
}

/// Read what [`to_versioned_json`] wrote: the version and kind are checked before the content.
pub fn from_versioned_json<T: DeserializeOwned>(kind: &str, text: &str) -> Result<T, ModelError> {
    let header: Header = serde_json::from_str(text).map_err(json_error)?;
    let found = header.format_version.unwrap_or(0);
    if !(OLDEST_READABLE_VERSION..=FORMAT_VERSION).contains(&found) {
        return Err(ModelError::FormatVersion {
            found,
            oldest: OLDEST_READABLE_VERSION,
            supported: FORMAT_VERSION,
        });
    }
    match header.kind {
        Some(k) if k == kind => {}
        other => {
            return Err(ModelError::WrongKind {
                expected: kind.into(),
                found: other.unwrap_or_else(|| "(no kind)".into()),
            })
        }
    }
    let owned: Owned<T> = serde_json::from_str(text).map_err(json_error)?;
    Ok(owned.content)
}

const BINARY_KIND: &str = "binary_logistic_regression";

impl<L: Label + Serialize + DeserializeOwned> FittedLogisticRegression<L> {
    /// The model as versioned JSON.
    pub fn to_json(&self) -> Result<String, ModelError> {
        to_versioned_json(BINARY_KIND, self)
    }

    /// A model from versioned JSON, checked for internal consistency.
    pub fn from_json(text: &str) -> Result<Self, ModelError> {
        let model: Self = from_versioned_json(BINARY_KIND, text)?;
        model.validate()?;
        Ok(model)
    }

    /// Write the model to a new file; an existing file is never overwritten.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), ModelError> {
        write_new(path.as_ref(), &self.to_json()?)
    }

    /// Read a model written by [`save`](Self::save).
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ModelError> {
        Self::from_json(&read_text(path.as_ref())?)
    }
}

/// Write `text` to a file that must not exist yet (nothing a user has is ever overwritten),
/// through [`write_atomic`]: a crash or a full disk leaves no partial file under that name.
pub fn write_new(path: &Path, text: &str) -> Result<(), ModelError> {
    write_atomic(path, false, |w| w.write_all(text.as_bytes())).map_err(|e: io::Error| {
        ModelError::Io {
            path: path.display().to_string(),
            message: if e.kind() == io::ErrorKind::AlreadyExists {
                "already exists; choose another path or remove it first (nothing is overwritten)"
                    .to_string()
            } else {
                e.to_string()
            },
        }
    })
}

/// Writes the file `path` so that it is either complete or not there at all.
///
/// `write` fills a temporary file in `path`'s directory through a buffer; the file is then
/// flushed, synced to disk and renamed to `path`, and the directory is synced so that the new
/// name survives a crash too. If `write` fails, the disk fills up or the process dies, `path` is
/// as it was: the old file, or none. With `replace`, an existing file (whose permissions the new
/// one takes over) is swapped for the new one only once that is complete. Without it, an existing
/// file is never replaced: the rename itself refuses (so a file created meanwhile is safe too),
/// with an error of kind [`io::ErrorKind::AlreadyExists`]. A process killed mid-write leaves its
/// temporary file `.NAME.XXXXXX.tmp` behind, never a partial `NAME`.
///
/// ```
/// # let dir = tempfile::tempdir()?;
/// let path = dir.path().join("out.csv");
/// logreg_model::write_atomic(&path, false, |w| w.write_all(b"id,p\n1,0.25\n"))?;
/// let again = logreg_model::write_atomic(&path, false, |w| w.write_all(b"other"));
/// assert_eq!(again.unwrap_err().kind(), std::io::ErrorKind::AlreadyExists);
/// assert_eq!(std::fs::read_to_string(&path)?, "id,p\n1,0.25\n");
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn write_atomic<E: From<io::Error>>(
    path: &Path,
    replace: bool,
    write: impl FnOnce(&mut dyn Write) -> Result<(), E>,
) -> Result<(), E> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let Some(name) = path.file_name() else {
        return Err(
            io::Error::new(io::ErrorKind::InvalidInput, "the path does not name a file").into(),
        );
    };
    let mut prefix = std::ffi::OsString::from(".");
    prefix.push(name);
    prefix.push(".");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // tempfile's default 0600 suits secrets; a saved model should get what any new file gets.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut tmp = builder.tempfile_in(dir)?;
    if replace {
        if let Ok(old) = std::fs::metadata(path) {
            tmp.as_file().set_permissions(old.permissions())?;
        }
    }
    let mut buffered = io::BufWriter::with_capacity(1 << 16, tmp.as_file_mut());
    write(&mut buffered)?;
    buffered.flush()?;
    drop(buffered);
    tmp.as_file().sync_all()?;
    let persisted = if replace {
        tmp.persist(path)
    } else {
        tmp.persist_noclobber(path)
    };
    persisted.map_err(|e| e.error)?;
    sync_dir(dir)?;
    Ok(())
}

/// Makes a rename in `dir` durable (on Unix a directory is synced like a file).
fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Read a whole text file, naming it on failure.
pub fn read_text(path: &Path) -> Result<String, ModelError> {
    std::fs::read_to_string(path).map_err(|e| ModelError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    })
}
