//! Drawing: the pixel frame, SVG text, line runs clipped and thinned per pixel column, layers,
//! legends, and the atomic write of the finished file. `Chart` (in the crate root) lays a chart
//! out and calls these.

use std::path::Path;

use super::*;
use crate::scale::{Scale, Tick};

/// Writes `bytes` to a temporary file next to `path`, syncs it and renames it over `path`.
///
/// `logreg_model::write_atomic` does this for the rest of the workspace (and can refuse to
/// replace); this crate has no dependencies and needs only the replacing rename `std` has.
pub(super) fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    static WRITES: AtomicU64 = AtomicU64::new(0);
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let Some(name) = path.file_name() else {
        let message = "the path does not name a file";
        return Err(std::io::Error::new(
            std::io::ErrorKind::InvalidInput,
            message,
        ));
    };
    // Unique across processes (the id) and within one (the count); `create_new` checks anyway.
    let mut temp = std::ffi::OsString::from(".");
    temp.push(name);
    let count = WRITES.fetch_add(1, Ordering::Relaxed);
    temp.push(format!(".{}-{count}.tmp", std::process::id()));
    let temp = dir.join(temp);
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        if let Ok(old) = std::fs::metadata(path) {
            file.set_permissions(old.permissions())?;
        }
        file.write_all(bytes)?;
        file.sync_all()?;
        std::fs::rename(&temp, path)
    })();
    if written.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    written?;
    // The rename is durable once the directory is synced too.
    #[cfg(unix)]
    std::fs::File::open(dir)?.sync_all()?;
    Ok(())
}

/// A layer ready to draw: its geometry on the unit square (y up) and its look.
pub(super) struct Placed {
    pub(super) name: String,
    pub(super) style: Style,
    pub(super) shape: Shape,
}

pub(super) enum Style {
    Line(&'static str),
    Dots(&'static str),
    Reference,
    Boundary,
    Text,
}

pub(super) enum Shape {
    /// Connected pieces of a line; a piece of one point is drawn as a dot.
    Runs(Vec<Vec<(f64, f64)>>),
    Dots(Vec<(f64, f64)>),
    /// Texts centred just above their points.
    Labels(Vec<((f64, f64), String)>),
}

/// The plot area in pixels.
pub(super) struct Frame {
    pub(super) left: f64,
    pub(super) top: f64,
    pub(super) width: f64,
    pub(super) height: f64,
}

impl Frame {
    pub(super) fn x(&self, u: f64) -> f64 {
        self.left + u.clamp(0.0, 1.0) * self.width
    }

    pub(super) fn y(&self, v: f64) -> f64 {
        self.top + (1.0 - v.clamp(0.0, 1.0)) * self.height
    }
}

/// An SVG document being written; writing to a `String` cannot fail.
pub(super) struct Svg(pub(super) String);

impl Svg {
    pub(super) fn put(&mut self, args: fmt::Arguments<'_>) {
        // `fmt::Write` for `String` never returns an error.
        let _ = self.0.write_fmt(args);
    }
}

/// The visible rectangle in transformed data space: the two scales' ranges.
pub(super) struct View {
    pub(super) x: (f64, f64),
    pub(super) y: (f64, f64),
}

impl View {
    pub(super) fn of(xs: &Scale, ys: &Scale) -> View {
        View {
            x: (xs.lo, xs.hi),
            y: (ys.lo, ys.hi),
        }
    }

    pub(super) fn contains(&self, (x, y): (f64, f64)) -> bool {
        (self.x.0..=self.x.1).contains(&x) && (self.y.0..=self.y.1).contains(&y)
    }

    /// `p` moved onto the rectangle if it lies just outside (a rounding error away).
    pub(super) fn clamp(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (x.clamp(self.x.0, self.x.1), y.clamp(self.y.0, self.y.1))
    }
}

/// Splits a line (transformed data values) into the connected pieces that lie inside the view: a
/// missing point breaks the line, and so does leaving the view.
pub(super) fn line_runs(
    points: impl Iterator<Item = Option<(f64, f64)>>,
    view: &View,
) -> Vec<Vec<(f64, f64)>> {
    let mut runs = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut prev: Option<(f64, f64)> = None;
    for cur in points {
        match (prev, cur) {
            (Some(a), Some(b)) => match geometry::clip(a, b, view.x, view.y) {
                Some((c, d)) => {
                    if run.last() != Some(&c) {
                        flush(&mut runs, &mut run);
                        run.push(c);
                    }
                    run.push(d);
                    if d != b {
                        flush(&mut runs, &mut run);
                    }
                }
                None => flush(&mut runs, &mut run),
            },
            (None, Some(b)) => {
                flush(&mut runs, &mut run);
                if view.contains(b) {
                    run.push(b);
                }
            }
            (_, None) => flush(&mut runs, &mut run),
        }
        prev = cur;
    }
    flush(&mut runs, &mut run);
    runs
}

pub(super) fn flush(runs: &mut Vec<Vec<(f64, f64)>>, run: &mut Vec<(f64, f64)>) {
    if !run.is_empty() {
        runs.push(std::mem::take(run));
    }
}

/// The boundary `w·p + b = 0` in the view (transformed data values), or `None` if it misses the
/// plot area.
///
/// On a log axis the line is curved, so it is sampled along its length.
pub(super) fn boundary_runs(
    w: [f64; 2],
    b: f64,
    xs: &Scale,
    ys: &Scale,
) -> Option<Vec<Vec<(f64, f64)>>> {
    let raw = |s: &Scale| (s.untransform(s.lo), s.untransform(s.hi));
    let [p, q] = boundary_segment(w, b, raw(xs), raw(ys))?;
    let view = View::of(xs, ys);
    let samples = if ys.log { 64 } else { 1 };
    let points = (0..=samples).map(|i| {
        let t = f64::from(i) / f64::from(samples);
        let (x, y) = (p.0 + t * (q.0 - p.0), p.1 + t * (q.1 - p.1));
        // The segment's ends lie on the view's edges; the log transform may round them off it.
        Some(view.clamp((xs.transform(x)?, ys.transform(y)?)))
    });
    let runs = line_runs(points, &view);
    (!runs.is_empty()).then_some(runs)
}

/// The most x ticks whose labels do not run into each other.
pub(super) fn x_ticks_that_fit(xs: &Scale, plot_w: f64) -> Vec<Tick> {
    let mut target = ((plot_w / 80.0) as usize).max(2);
    loop {
        let ticks = xs.ticks(target);
        let widest = ticks
            .iter()
            .map(|t| text_width(&t.label))
            .fold(0.0, f64::max);
        let gap = if ticks.len() > 1 {
            plot_w * (xs.unit(ticks[1].at) - xs.unit(ticks[0].at)).abs()
        } else {
            f64::INFINITY
        };
        if gap >= widest + 10.0 || target <= 2 {
            return ticks;
        }
        target -= 1;
    }
}

pub(super) fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * CHAR_WIDTH
}

pub(super) fn draw_layer(svg: &mut Svg, frame: &Frame, layer: &Placed) {
    let px = |&(u, v): &(f64, f64)| (frame.x(u), frame.y(v));
    let (colour, width, dash) = match layer.style {
        Style::Line(c) => (c, 2.0, ""),
        Style::Reference => (REFERENCE_COLOR, 1.5, " stroke-dasharray=\"6 4\""),
        Style::Boundary => (BOUNDARY_COLOR, 2.0, " stroke-dasharray=\"10 4\""),
        Style::Dots(c) => (c, 0.0, ""),
        Style::Text => (REFERENCE_COLOR, 0.0, ""),
    };
    match &layer.shape {
        Shape::Labels(labels) => {
            svg.put(format_args!(
                "<g font-size=\"10\" fill=\"{colour}\" text-anchor=\"middle\" stroke=\"white\" \
                 stroke-width=\"3\" paint-order=\"stroke\">\n"
            ));
            for ((u, v), text) in labels {
                let (x, y) = px(&(*u, *v));
                svg.put(format_args!(
                    "<text x=\"{x:.1}\" y=\"{:.1}\">{}</text>\n",
                    y - 8.0,
                    escape(text)
                ));
            }
            svg.put(format_args!("</g>\n"));
        }
        Shape::Dots(points) => {
            svg.put(format_args!(
                "<g fill=\"{colour}\" fill-opacity=\"0.75\" stroke=\"white\" stroke-width=\"0.5\">\n"
            ));
            for (x, y) in points.iter().map(px) {
                svg.put(format_args!(
                    "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\"/>\n"
                ));
            }
            svg.put(format_args!("</g>\n"));
        }
        Shape::Runs(runs) => {
            svg.put(format_args!(
                "<g fill=\"none\" stroke=\"{colour}\" stroke-width=\"{width}\"{dash} \
                 stroke-linejoin=\"round\" stroke-linecap=\"round\">\n"
            ));
            for run in runs {
                let pixels: Vec<(f64, f64)> = run.iter().map(px).collect();
                let pixels = if pixels.len() > DECIMATE_ABOVE {
                    geometry::decimate(&pixels)
                } else {
                    pixels
                };
                if let [(x, y)] = pixels[..] {
                    svg.put(format_args!(
                        "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"2\" fill=\"{colour}\"/>\n"
                    ));
                    continue;
                }
                svg.put(format_args!("<polyline points=\""));
                for (i, (x, y)) in pixels.iter().enumerate() {
                    let sep = if i == 0 { "" } else { " " };
                    svg.put(format_args!("{sep}{x:.1},{y:.1}"));
                }
                svg.put(format_args!("\"/>\n"));
            }
            svg.put(format_args!("</g>\n"));
        }
    }
}

pub(super) fn draw_legend(svg: &mut Svg, x: f64, y: f64, width: f64, entries: &[&Placed]) {
    let height = entries.len() as f64 * LEGEND_ROW + 10.0;
    svg.put(format_args!(
        "<g class=\"legend\">\n<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{width:.1}\" \
         height=\"{height:.1}\" fill=\"white\" stroke=\"#cccccc\"/>\n"
    ));
    for (i, entry) in entries.iter().enumerate() {
        let row = y + 5.0 + LEGEND_ROW * (i as f64 + 0.5);
        let (x0, x1) = (x + 8.0, x + 30.0);
        match entry.style {
            Style::Dots(c) => svg.put(format_args!(
                "<circle cx=\"{:.1}\" cy=\"{row:.1}\" r=\"4\" fill=\"{c}\" fill-opacity=\"0.75\"/>\n",
                (x0 + x1) / 2.0
            )),
            Style::Line(c) => svg.put(format_args!(
                "<line x1=\"{x0:.1}\" y1=\"{row:.1}\" x2=\"{x1:.1}\" y2=\"{row:.1}\" stroke=\"{c}\" \
                 stroke-width=\"2\"/>\n"
            )),
            Style::Reference => svg.put(format_args!(
                "<line x1=\"{x0:.1}\" y1=\"{row:.1}\" x2=\"{x1:.1}\" y2=\"{row:.1}\" \
                 stroke=\"{REFERENCE_COLOR}\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>\n"
            )),
            Style::Boundary => svg.put(format_args!(
                "<line x1=\"{x0:.1}\" y1=\"{row:.1}\" x2=\"{x1:.1}\" y2=\"{row:.1}\" \
                 stroke=\"{BOUNDARY_COLOR}\" stroke-width=\"2\" stroke-dasharray=\"10 4\"/>\n"
            )),
            Style::Text => {}
        }
        svg.put(format_args!(
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
            x1 + 6.0,
            row + 4.0,
            escape(&entry.name)
        ));
    }
    svg.put(format_args!("</g>\n"));
}

/// `s` as XML character data or attribute value: markup characters escaped, and characters XML
/// 1.0 cannot represent at all (most control characters, U+FFFE, U+FFFF) replaced by U+FFFD.
pub(super) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' | '\r' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            _ => out.push(c),
        }
    }
    out
}
