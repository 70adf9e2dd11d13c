//! Files: the bundled data, model files, outputs that must not be overwritten, and error rows
//! translated back to the file's rows.

use crate::error::{CliError, CliResult};
use logreg::model::{write_atomic, ModelError};
use logreg::{Classifier, Error};
use std::path::{Path, PathBuf};

/// A file of the bundled `datasets/` directory: under the current directory if there is one
/// there (a fresh clone's root), else where it was at build time.
pub(crate) fn bundled(name: &str) -> CliResult<PathBuf> {
    let local = Path::new("datasets").join(name);
    if local.is_file() {
        return Ok(local);
    }
    let built = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../datasets")).join(name);
    if built.is_file() {
        return Ok(built.canonicalize().unwrap_or(built));
    }
    Err(CliError::failed(format!(
        "the bundled data set {name} is in neither ./datasets nor {}; give a CSV file: \
         logreg train DATA.csv --target COL",
        built.display()
    )))
}

/// Refuses to replace an existing file unless `force` is set.
pub(crate) fn check_writable(path: &Path, force: bool, flag: &str) -> CliResult<()> {
    if !force && path.exists() {
        return Err(CliError::failed(format!(
            "{} already exists; pass --force to overwrite it (or choose another {flag})",
            path.display()
        )));
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        if !parent.is_dir() {
            return Err(CliError::failed(format!(
                "{flag} {}: the directory {} does not exist",
                path.display(),
                parent.display()
            )));
        }
    }
    if path.is_dir() {
        return Err(CliError::failed(format!(
            "{} is a directory, expected a file path for {flag}",
            path.display()
        )));
    }
    Ok(())
}

/// Writes `text` to `path`: to a new file, or replacing one with `force`; complete or not at all
/// (see [`write_atomic`]), so a failure never leaves a truncated file or destroys the old one.
pub(crate) fn write_text(path: &Path, text: &str, force: bool) -> CliResult<()> {
    write_atomic(path, force, |w| w.write_all(text.as_bytes())).map_err(|e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            CliError::failed(format!(
                "{} already exists; pass --force to overwrite it",
                path.display()
            ))
        } else {
            CliError::failed(format!("{}: cannot write: {e}", path.display()))
        }
    })
}

/// Loads a saved classifier, naming the file in any error.
pub(crate) fn load_model(path: &Path) -> CliResult<Classifier> {
    Classifier::load(path).map_err(|e| match e {
        // I/O errors already start with the path.
        Error::Model(ModelError::Io { .. }) => CliError::from(e),
        other => CliError::from(other).context(path.display()),
    })
}

/// `e` as a CLI error whose message names the file (unless it already does).
pub(crate) fn about_file(e: Error, path: &Path) -> CliError {
    let shown = path.display().to_string();
    let message = e.to_string();
    if message.contains(&shown) {
        CliError::failed(message)
    } else {
        CliError::failed(format!("{shown}: {message}"))
    }
}

/// A CSV field, quoted when it has to be.
pub(crate) fn csv_field(s: &str) -> std::borrow::Cow<'_, str> {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        std::borrow::Cow::Owned(format!("\"{}\"", s.replace('"', "\"\"")))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_when_needed() {
        assert_eq!(csv_field("abc"), "abc");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
    }
}
