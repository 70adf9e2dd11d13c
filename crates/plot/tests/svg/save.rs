//! Saving a chart: the file is written whole or not at all, and failures name the path.

use crate::common::{assert_valid_svg, svg_of};
use logreg_plot::{loss_chart, roc_chart, PlotError};

#[test]
fn save_writes_the_file_and_names_the_path_on_failure() {
    let chart = loss_chart(&[0.69, 0.5, 0.4]);
    let dir = std::env::temp_dir().join(format!("logreg-plot-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("loss.svg");
    chart.save(&path).expect("save");
    let written = std::fs::read_to_string(&path).expect("read back");
    assert_valid_svg(&written);
    std::fs::remove_dir_all(&dir).ok();

    let missing = dir.join("no/such/dir/loss.svg");
    match chart.save(&missing) {
        Err(err @ PlotError::Io { .. }) => {
            assert!(err.to_string().contains("no/such/dir/loss.svg"), "{err}");
            assert!(std::error::Error::source(&err).is_some());
        }
        other => panic!("expected Io error, got {other:?}"),
    }
}

#[test]
fn save_replaces_whole_files_and_leaves_no_temporary_file() {
    let dir = std::env::temp_dir().join(format!("logreg-plot-replace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let names = || {
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .expect("readable")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let path = dir.join("roc.svg");
    std::fs::write(&path, "old chart").expect("write");
    let chart = roc_chart(&[(0.0, 0.0), (0.2, 0.7), (1.0, 1.0)], 0.75);
    chart.save(&path).expect("save");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        svg_of(&chart)
    );
    assert_eq!(names(), ["roc.svg"]);

    // A directory in the way: the rename fails, the error names the path, nothing is left over.
    let blocked = dir.join("blocked.svg");
    std::fs::create_dir(&blocked).expect("mkdir");
    std::fs::write(blocked.join("inside"), "kept").expect("write");
    match chart.save(&blocked) {
        Err(err @ PlotError::Io { .. }) => {
            assert!(err.to_string().contains("blocked.svg"), "{err}")
        }
        other => panic!("expected Io error, got {other:?}"),
    }
    assert_eq!(names(), ["blocked.svg", "roc.svg"]);
    assert_eq!(
        std::fs::read_to_string(blocked.join("inside")).expect("read"),
        "kept"
    );
    std::fs::remove_dir_all(&dir).ok();
}
