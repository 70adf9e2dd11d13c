//! Dependency-free SVG charts for loss curves, decision boundaries and ROC curves.
//!
//! ```
//! use logreg_plot::Chart;
//!
//! let svg = Chart::new("Training loss")
//!     .x_label("epoch")
//!     .y_label("log-loss")
//!     .line("lr = 0.1", &[(0.0, 0.69), (1.0, 0.52), (2.0, 0.45), (3.0, 0.41)])
//!     .line("lr = 1", &[(0.0, 0.69), (1.0, 0.38), (2.0, 0.33), (3.0, 0.31)])
//!     .to_svg()?;
//! assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
//! assert!(svg.contains("lr = 0.1") && svg.contains("<polyline"));
//! # Ok::<(), logreg_plot::PlotError>(())
//! ```
//!
//! A [`Chart`] is a title, two axis labels and a stack of layers — lines, scatter points, dashed
//! reference lines and straight boundaries `w·p + b = 0` — drawn in the order they were added, with
//! a legend to the right of the plot. [`Chart::to_svg`] writes SVG 1.1 text by hand: no fonts are
//! embedded (text uses the viewer's sans-serif), no C libraries are involved.
//!
//! What the renderer promises:
//! - Non-finite points are never written: a NaN or infinite point (or, with [`Chart::log_y`], a
//!   point with `y <= 0`) leaves a gap in a line and is skipped in a scatter.
//! - A series with no drawable point at all is an error ([`PlotError::EmptySeries`]), as is a chart
//!   with no series ([`PlotError::NoData`]); a constant series gets a padded range and renders.
//! - Lines are clipped to the plot area, so explicit ranges ([`Chart::x_range`]) may cut data off;
//!   clipping works on the data values, so a point however far outside (`f64::MAX` in a view of
//!   width 1) still gives the right piece of line inside.
//! - A line piece longer than 4096 points is thinned to the first, lowest, highest and last point
//!   of each pixel column it crosses, which draws the same picture; 10⁵-point curves stay small.
//! - Axes get "nice" ticks at 1-2-5 steps (powers of ten on a log axis), labelled compactly.
//! - All text is XML-escaped; characters XML cannot carry at all are replaced by `U+FFFD`.
#![forbid(unsafe_code)]

mod geometry;
mod scale;

pub use geometry::boundary_segment;

use std::fmt::{self, Write as _};
use std::path::{Path, PathBuf};

use scale::{Scale, Tick};

/// Series colours, assigned in order to lines and scatters (Tableau 10, colour-blind friendly).
const PALETTE: [&str; 10] = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf",
];
/// Colour of reference lines (chance diagonals, baselines).
const REFERENCE_COLOR: &str = "#555555";
/// Colour of decision boundaries: dark, so the line reads over both classes' colours.
const BOUNDARY_COLOR: &str = "#111111";
/// Line pieces with more points than this are thinned per pixel column.
const DECIMATE_ABOVE: usize = 4096;
/// Smallest chart that leaves room for the axes, labels and a plot area.
const MIN_WIDTH: u32 = 240;
/// Smallest chart height, see [`MIN_WIDTH`].
const MIN_HEIGHT: u32 = 160;
/// Estimated width of one character of 12px sans-serif text, for layout.
const CHAR_WIDTH: f64 = 7.0;
/// Height of one legend row.
const LEGEND_ROW: f64 = 18.0;

/// Why a chart could not be drawn or saved.
#[derive(Debug)]
#[non_exhaustive]
pub enum PlotError {
    /// The chart has no series with points (boundaries alone do not define a range).
    NoData,
    /// A series has no drawable point: all are non-finite (or non-positive `y` on a log axis).
    EmptySeries {
        /// The series' name.
        series: String,
    },
    /// An explicit axis range is non-finite, empty, too narrow to label, or not positive on a log axis.
    InvalidRange {
        /// Which axis.
        axis: Axis,
        /// The range's lower end as given.
        min: f64,
        /// The range's upper end as given.
        max: f64,
    },
    /// The requested size leaves no room for a plot area.
    TooSmall {
        /// Requested width in pixels.
        width: u32,
        /// Requested height in pixels.
        height: u32,
    },
    /// Writing the SVG file failed.
    Io {
        /// The file that could not be written.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
}

impl fmt::Display for PlotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlotError::NoData => write!(f, "nothing to plot: the chart has no series with points"),
            PlotError::EmptySeries { series } => write!(
                f,
                "series {series:?} has no drawable points (all are non-finite, or not positive on a log axis)"
            ),
            PlotError::InvalidRange { axis, min, max } => write!(
                f,
                "invalid {axis} range {min}..{max}: it must be finite, increasing, wide enough to \
                 label, and positive on a log axis"
            ),
            PlotError::TooSmall { width, height } => write!(
                f,
                "chart size {width}x{height} leaves no room to plot (minimum {MIN_WIDTH}x{MIN_HEIGHT})"
            ),
            PlotError::Io { path, source } => {
                write!(f, "cannot write chart to {}: {source}", path.display())
            }
        }
    }
}

impl std::error::Error for PlotError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PlotError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// One of the chart's two axes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Axis {
    /// The horizontal axis.
    X,
    /// The vertical axis.
    Y,
}

impl fmt::Display for Axis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Axis::X => "x",
            Axis::Y => "y",
        })
    }
}

/// A layer's points after the axis transform, `None` where a point cannot be drawn.
type Transformed = Vec<Option<(f64, f64)>>;

/// What a layer draws.
#[derive(Debug, Clone)]
enum Mark {
    Line(Vec<(f64, f64)>),
    Scatter(Vec<(f64, f64)>),
    Reference(Vec<(f64, f64)>),
    Boundary { w: [f64; 2], b: f64 },
    Text(Vec<(f64, f64)>, Vec<String>),
}

#[derive(Debug, Clone)]
struct Layer {
    name: String,
    mark: Mark,
}

/// A chart under construction: title, axis labels, ranges and layers, rendered by [`Chart::to_svg`].
#[derive(Debug, Clone)]
pub struct Chart {
    title: String,
    x_label: String,
    y_label: String,
    width: u32,
    height: u32,
    x_range: Option<(f64, f64)>,
    y_range: Option<(f64, f64)>,
    log_y: bool,
    layers: Vec<Layer>,
}

impl Chart {
    /// An empty 720×450 chart with the given title (an empty title is not drawn).
    pub fn new(title: impl Into<String>) -> Chart {
        Chart {
            title: title.into(),
            x_label: String::new(),
            y_label: String::new(),
            width: 720,
            height: 450,
            x_range: None,
            y_range: None,
            log_y: false,
            layers: Vec::new(),
        }
    }

    /// Replaces the title.
    pub fn title(mut self, title: impl Into<String>) -> Chart {
        self.title = title.into();
        self
    }

    /// Sets the label under the horizontal axis.
    pub fn x_label(mut self, label: impl Into<String>) -> Chart {
        self.x_label = label.into();
        self
    }

    /// Sets the label beside the vertical axis.
    pub fn y_label(mut self, label: impl Into<String>) -> Chart {
        self.y_label = label.into();
        self
    }

    /// Sets the image size in pixels (at least 240×160).
    pub fn size(mut self, width: u32, height: u32) -> Chart {
        self.width = width;
        self.height = height;
        self
    }

    /// Fixes the horizontal range instead of fitting it to the data; data outside is clipped.
    pub fn x_range(mut self, min: f64, max: f64) -> Chart {
        self.x_range = Some((min, max));
        self
    }

    /// Fixes the vertical range instead of fitting it to the data; data outside is clipped.
    pub fn y_range(mut self, min: f64, max: f64) -> Chart {
        self.y_range = Some((min, max));
        self
    }

    /// Draws the vertical axis on a log₁₀ scale; points with `y <= 0` are skipped.
    pub fn log_y(mut self) -> Chart {
        self.log_y = true;
        self
    }

    /// Adds a line through `points` in the given order, in the next palette colour.
    pub fn line(self, name: impl Into<String>, points: &[(f64, f64)]) -> Chart {
        self.layer(name, Mark::Line(points.to_vec()))
    }

    /// Adds `points` as small circles, in the next palette colour.
    pub fn scatter(self, name: impl Into<String>, points: &[(f64, f64)]) -> Chart {
        self.layer(name, Mark::Scatter(points.to_vec()))
    }

    /// Adds a dashed grey line (a chance diagonal, a baseline) that takes no palette colour.
    pub fn reference_line(self, name: impl Into<String>, points: &[(f64, f64)]) -> Chart {
        self.layer(name, Mark::Reference(points.to_vec()))
    }

    /// Writes `texts[i]` just above `points[i]` (counts beside a curve's points, say); a text
    /// layer takes no colour and no legend entry, and its points count towards the axis ranges.
    /// Extra points or texts without a partner are ignored.
    pub fn labels(self, points: &[(f64, f64)], texts: &[String]) -> Chart {
        let n = points.len().min(texts.len());
        self.layer("", Mark::Text(points[..n].to_vec(), texts[..n].to_vec()))
    }

    /// Adds the straight line `w[0]·x + w[1]·y + b = 0` across the whole plot area.
    ///
    /// It does not widen the axis ranges; where it misses the plot area, or `w = [0, 0]`, or an
    /// input is non-finite, nothing is drawn and it is left out of the legend.
    pub fn boundary(self, name: impl Into<String>, w: [f64; 2], b: f64) -> Chart {
        self.layer(name, Mark::Boundary { w, b })
    }

    fn layer(mut self, name: impl Into<String>, mark: Mark) -> Chart {
        self.layers.push(Layer {
            name: name.into(),
            mark,
        });
        self
    }

    /// Writes the chart to `path` as an SVG file, replacing any file already there.
    ///
    /// The file is complete or not written at all: the SVG goes to a temporary file in the same
    /// directory, which is synced to disk and then renamed over `path`. A crash or a full disk
    /// never leaves a truncated chart, and an old chart stays until the new one is complete.
    pub fn save(&self, path: impl AsRef<Path>) -> Result<(), PlotError> {
        let svg = self.to_svg()?;
        let path = path.as_ref();
        replace_file(path, svg.as_bytes()).map_err(|source| PlotError::Io {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Renders the chart as a standalone SVG 1.1 document.
    pub fn to_svg(&self) -> Result<String, PlotError> {
        if self.width < MIN_WIDTH || self.height < MIN_HEIGHT {
            return Err(self.too_small());
        }
        let data = self.data_in_transformed_space()?;
        let (xs, ys) = self.scales(&data)?;
        let layers = self.place_layers(&data, &xs, &ys);
        let legend: Vec<&Placed> = layers.iter().filter(|l| !l.name.is_empty()).collect();

        // Layout, outside in: title on top, tick labels and axis labels left and below, the
        // legend to the right, so it never covers data.
        let (w, h) = (f64::from(self.width), f64::from(self.height));
        let top = if self.title.is_empty() { 20.0 } else { 44.0 };
        let bottom = if self.x_label.is_empty() { 34.0 } else { 56.0 };
        let plot_h = h - top - bottom;
        let y_ticks = ys.ticks(((plot_h / 55.0) as usize).max(2));
        let widest_y = y_ticks
            .iter()
            .map(|t| text_width(&t.label))
            .fold(0.0, f64::max);
        let y_label_room = if self.y_label.is_empty() { 0.0 } else { 24.0 };
        let left = 14.0 + y_label_room + widest_y * 11.0 / 12.0;
        let legend_w = legend
            .iter()
            .map(|l| text_width(&l.name) + 44.0)
            .fold(0.0, f64::max)
            .min(w * 0.35);
        let right = if legend.is_empty() {
            20.0
        } else {
            legend_w + 24.0
        };
        let plot_w = w - left - right;
        if plot_w < 60.0 || plot_h < 60.0 {
            return Err(self.too_small());
        }
        let x_ticks = x_ticks_that_fit(&xs, plot_w);
        let frame = Frame {
            left,
            top,
            width: plot_w,
            height: plot_h,
        };

        let mut svg = Svg(String::with_capacity(16 * 1024));
        svg.put(format_args!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"{}\" height=\"{}\" \
             viewBox=\"0 0 {} {}\" font-family=\"sans-serif\" font-size=\"12\">\n",
            self.width, self.height, self.width, self.height
        ));
        svg.put(format_args!("<title>{}</title>\n", escape(&self.title)));
        svg.put(format_args!(
            "<rect width=\"{}\" height=\"{}\" fill=\"white\"/>\n",
            self.width, self.height
        ));
        if !self.title.is_empty() {
            svg.put(format_args!(
                "<text x=\"{:.1}\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" \
                 font-weight=\"bold\">{}</text>\n",
                w / 2.0,
                escape(&self.title)
            ));
        }
        self.draw_axes(&mut svg, &frame, &x_ticks, &xs, &y_ticks, &ys);
        for layer in &layers {
            draw_layer(&mut svg, &frame, layer);
        }
        if !legend.is_empty() {
            draw_legend(
                &mut svg,
                frame.left + frame.width + 14.0,
                top,
                legend_w,
                &legend,
            );
        }
        svg.put(format_args!("</svg>\n"));
        Ok(svg.0)
    }

    fn too_small(&self) -> PlotError {
        PlotError::TooSmall {
            width: self.width,
            height: self.height,
        }
    }

    /// Each data layer's points in transformed space (`None` where not drawable), in layer order;
    /// boundaries get an empty list.
    fn data_in_transformed_space(&self) -> Result<Vec<Transformed>, PlotError> {
        let mut any_data = false;
        let mut out = Vec::with_capacity(self.layers.len());
        for layer in &self.layers {
            let points = match &layer.mark {
                Mark::Line(p) | Mark::Scatter(p) | Mark::Reference(p) | Mark::Text(p, _) => p,
                Mark::Boundary { .. } => {
                    out.push(Vec::new());
                    continue;
                }
            };
            let t: Transformed = points
                .iter()
                .map(|&(x, y)| {
                    Some((
                        scale::transform(x, false)?,
                        scale::transform(y, self.log_y)?,
                    ))
                })
                .collect();
            if t.iter().all(Option::is_none) {
                return Err(PlotError::EmptySeries {
                    series: layer.name.clone(),
                });
            }
            any_data = true;
            out.push(t);
        }
        if any_data {
            Ok(out)
        } else {
            Err(PlotError::NoData)
        }
    }

    /// The two axis scales: the explicit ranges if given, else fitted to the data.
    fn scales(&self, data: &[Transformed]) -> Result<(Scale, Scale), PlotError> {
        let points = || data.iter().flatten().flatten();
        let extent = |f: fn(&(f64, f64)) -> f64| {
            points()
                .map(f)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                    (lo.min(v), hi.max(v))
                })
        };
        let fit = |axis: Axis, given: Option<(f64, f64)>, log: bool, (lo, hi): (f64, f64)| {
            let scale = match given {
                Some((min, max)) => {
                    match (scale::transform(min, log), scale::transform(max, log)) {
                        (Some(a), Some(b)) => Scale::new(a, b, log),
                        _ => None,
                    }
                }
                None => Scale::around(lo, hi, log),
            };
            let (min, max) = given.unwrap_or((lo, hi));
            scale.ok_or(PlotError::InvalidRange { axis, min, max })
        };
        let xs = fit(Axis::X, self.x_range, false, extent(|p| p.0))?;
        let ys = fit(Axis::Y, self.y_range, self.log_y, extent(|p| p.1))?;
        Ok((xs, ys))
    }

    /// Each layer's geometry on the unit square, with its colour and style.
    fn place_layers(&self, data: &[Transformed], xs: &Scale, ys: &Scale) -> Vec<Placed> {
        let mut next_colour = 0;
        let mut colour = || {
            let c = PALETTE[next_colour % PALETTE.len()];
            next_colour += 1;
            c
        };
        // Clipping happens in data space, so only points inside the view are mapped onto the unit
        // square: a value like f64::MAX, far outside a small view, would overflow there.
        let view = View::of(xs, ys);
        let unit = |&(x, y): &(f64, f64)| (xs.unit(x), ys.unit(y));
        let unit_runs = |runs: Vec<Vec<(f64, f64)>>| {
            Shape::Runs(
                runs.iter()
                    .map(|run| run.iter().map(unit).collect())
                    .collect(),
            )
        };
        let mut placed = Vec::with_capacity(self.layers.len());
        for (layer, points) in self.layers.iter().zip(data) {
            let (style, shape) = match &layer.mark {
                Mark::Line(_) => (
                    Style::Line(colour()),
                    unit_runs(line_runs(points.iter().copied(), &view)),
                ),
                Mark::Reference(_) => (
                    Style::Reference,
                    unit_runs(line_runs(points.iter().copied(), &view)),
                ),
                Mark::Scatter(_) => (
                    Style::Dots(colour()),
                    Shape::Dots(
                        points
                            .iter()
                            .flatten()
                            .filter(|&&p| view.contains(p))
                            .map(unit)
                            .collect(),
                    ),
                ),
                Mark::Text(_, texts) => (
                    Style::Text,
                    Shape::Labels(
                        points
                            .iter()
                            .zip(texts)
                            .filter_map(|(p, t)| {
                                p.filter(|&p| view.contains(p))
                                    .map(|p| (unit(&p), t.clone()))
                            })
                            .collect(),
                    ),
                ),
                Mark::Boundary { w, b } => match boundary_runs(*w, *b, xs, ys) {
                    Some(runs) => (Style::Boundary, unit_runs(runs)),
                    None => continue,
                },
            };
            placed.push(Placed {
                name: layer.name.clone(),
                style,
                shape,
            });
        }
        placed
    }

    fn draw_axes(
        &self,
        svg: &mut Svg,
        frame: &Frame,
        x_ticks: &[Tick],
        xs: &Scale,
        y_ticks: &[Tick],
        ys: &Scale,
    ) {
        let (left, top) = (frame.left, frame.top);
        let (right, bottom) = (left + frame.width, top + frame.height);
        svg.put(format_args!("<g stroke=\"#e6e6e6\" stroke-width=\"1\">\n"));
        for t in x_ticks {
            let x = frame.x(xs.unit(t.at));
            svg.put(format_args!(
                "<line x1=\"{x:.1}\" y1=\"{top:.1}\" x2=\"{x:.1}\" y2=\"{bottom:.1}\"/>\n"
            ));
        }
        for t in y_ticks {
            let y = frame.y(ys.unit(t.at));
            svg.put(format_args!(
                "<line x1=\"{left:.1}\" y1=\"{y:.1}\" x2=\"{right:.1}\" y2=\"{y:.1}\"/>\n"
            ));
        }
        svg.put(format_args!("</g>\n"));
        svg.put(format_args!(
            "<rect x=\"{left:.1}\" y=\"{top:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"none\" \
             stroke=\"#333333\" stroke-width=\"1\"/>\n",
            frame.width, frame.height
        ));
        svg.put(format_args!(
            "<g font-size=\"11\" fill=\"#333333\" text-anchor=\"middle\">\n"
        ));
        for t in x_ticks {
            let x = frame.x(xs.unit(t.at));
            svg.put(format_args!(
                "<line x1=\"{x:.1}\" y1=\"{bottom:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#333333\"/>\
                 <text x=\"{x:.1}\" y=\"{:.1}\">{}</text>\n",
                bottom + 4.0,
                bottom + 17.0,
                escape(&t.label)
            ));
        }
        svg.put(format_args!("</g>\n"));
        svg.put(format_args!(
            "<g font-size=\"11\" fill=\"#333333\" text-anchor=\"end\">\n"
        ));
        for t in y_ticks {
            let y = frame.y(ys.unit(t.at));
            svg.put(format_args!(
                "<line x1=\"{:.1}\" y1=\"{y:.1}\" x2=\"{left:.1}\" y2=\"{y:.1}\" stroke=\"#333333\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\">{}</text>\n",
                left - 4.0,
                left - 6.0,
                y + 4.0,
                escape(&t.label)
            ));
        }
        svg.put(format_args!("</g>\n"));
        if !self.x_label.is_empty() {
            svg.put(format_args!(
                "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>\n",
                left + frame.width / 2.0,
                bottom + 40.0,
                escape(&self.x_label)
            ));
        }
        if !self.y_label.is_empty() {
            let (x, y) = (18.0, top + frame.height / 2.0);
            svg.put(format_args!(
                "<text x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" \
                 transform=\"rotate(-90 {x:.1} {y:.1})\">{}</text>\n",
                escape(&self.y_label)
            ));
        }
    }
}

/// Writes `bytes` to a temporary file next to `path`, syncs it and renames it over `path`.
///
/// `logreg_model::write_atomic` does this for the rest of the workspace (and can refuse to
/// replace); this crate has no dependencies and needs only the replacing rename `std` has.
fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
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
struct Placed {
    name: String,
    style: Style,
    shape: Shape,
}

enum Style {
    Line(&'static str),
    Dots(&'static str),
    Reference,
    Boundary,
    Text,
}

enum Shape {
    /// Connected pieces of a line; a piece of one point is drawn as a dot.
    Runs(Vec<Vec<(f64, f64)>>),
    Dots(Vec<(f64, f64)>),
    /// Texts centred just above their points.
    Labels(Vec<((f64, f64), String)>),
}

/// The plot area in pixels.
struct Frame {
    left: f64,
    top: f64,
    width: f64,
    height: f64,
}

impl Frame {
    fn x(&self, u: f64) -> f64 {
        self.left + u.clamp(0.0, 1.0) * self.width
    }

    fn y(&self, v: f64) -> f64 {
        self.top + (1.0 - v.clamp(0.0, 1.0)) * self.height
    }
}

/// An SVG document being written; writing to a `String` cannot fail.
struct Svg(String);

impl Svg {
    fn put(&mut self, args: fmt::Arguments<'_>) {
        // `fmt::Write` for `String` never returns an error.
        let _ = self.0.write_fmt(args);
    }
}

/// The visible rectangle in transformed data space: the two scales' ranges.
struct View {
    x: (f64, f64),
    y: (f64, f64),
}

impl View {
    fn of(xs: &Scale, ys: &Scale) -> View {
        View {
            x: (xs.lo, xs.hi),
            y: (ys.lo, ys.hi),
        }
    }

    fn contains(&self, (x, y): (f64, f64)) -> bool {
        (self.x.0..=self.x.1).contains(&x) && (self.y.0..=self.y.1).contains(&y)
    }

    /// `p` moved onto the rectangle if it lies just outside (a rounding error away).
    fn clamp(&self, (x, y): (f64, f64)) -> (f64, f64) {
        (x.clamp(self.x.0, self.x.1), y.clamp(self.y.0, self.y.1))
    }
}

/// Splits a line (transformed data values) into the connected pieces that lie inside the view: a
/// missing point breaks the line, and so does leaving the view.
fn line_runs(
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

fn flush(runs: &mut Vec<Vec<(f64, f64)>>, run: &mut Vec<(f64, f64)>) {
    if !run.is_empty() {
        runs.push(std::mem::take(run));
    }
}

/// The boundary `w·p + b = 0` in the view (transformed data values), or `None` if it misses the
/// plot area.
///
/// On a log axis the line is curved, so it is sampled along its length.
fn boundary_runs(w: [f64; 2], b: f64, xs: &Scale, ys: &Scale) -> Option<Vec<Vec<(f64, f64)>>> {
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
fn x_ticks_that_fit(xs: &Scale, plot_w: f64) -> Vec<Tick> {
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

fn text_width(s: &str) -> f64 {
    s.chars().count() as f64 * CHAR_WIDTH
}

fn draw_layer(svg: &mut Svg, frame: &Frame, layer: &Placed) {
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

fn draw_legend(svg: &mut Svg, x: f64, y: f64, width: f64, entries: &[&Placed]) {
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
fn escape(s: &str) -> String {
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

/// A line chart of several named curves, one colour each (loss or accuracy per epoch, say).
///
/// ```
/// let fast: Vec<(f64, f64)> = (0..50).map(|e| (e as f64, 1.0 - (-0.3 * e as f64).exp())).collect();
/// let slow: Vec<(f64, f64)> = (0..50).map(|e| (e as f64, 1.0 - (-0.05 * e as f64).exp())).collect();
/// let chart = logreg_plot::line_chart("Accuracy", [("lr = 1", &fast[..]), ("lr = 0.1", &slow[..])])
///     .x_label("epoch")
///     .y_label("accuracy");
/// assert!(chart.to_svg().is_ok());
/// ```
pub fn line_chart<'a, N: Into<String>>(
    title: &str,
    series: impl IntoIterator<Item = (N, &'a [(f64, f64)])>,
) -> Chart {
    series
        .into_iter()
        .fold(Chart::new(title), |chart, (name, points)| {
            chart.line(name, points)
        })
}

/// A loss-per-iteration curve (the value at index `i` is drawn at `x = i`).
pub fn loss_chart(history: &[f64]) -> Chart {
    let points: Vec<(f64, f64)> = history
        .iter()
        .enumerate()
        .map(|(i, &v)| (i as f64, v))
        .collect();
    Chart::new("Training loss")
        .x_label("iteration")
        .y_label("loss")
        .line("loss", &points)
}

/// A ROC curve from `(false positive rate, true positive rate)` points, with the chance diagonal.
pub fn roc_chart(fpr_tpr: &[(f64, f64)], auc: f64) -> Chart {
    let name = if auc.is_finite() {
        format!("ROC (AUC = {auc:.3})")
    } else {
        "ROC".to_string()
    };
    Chart::new("ROC curve")
        .x_label("false positive rate")
        .y_label("true positive rate")
        .x_range(-0.02, 1.02)
        .y_range(-0.02, 1.02)
        .reference_line("chance", &[(0.0, 0.0), (1.0, 1.0)])
        .line(name, fpr_tpr)
}

/// A reliability diagram: each bin's mean predicted probability against the fraction of its
/// samples that are positive, `(mean predicted, fraction positive, count)` per bin, with the
/// diagonal of perfect calibration and each bin's count written above its point.
///
/// ```
/// let bins = [(0.1, 0.05, 40), (0.5, 0.55, 12), (0.9, 0.85, 30)];
/// let svg = logreg_plot::calibration_chart(&bins).to_svg()?;
/// assert!(svg.contains(">n = 12<"));
/// # Ok::<(), logreg_plot::PlotError>(())
/// ```
pub fn calibration_chart(bins: &[(f64, f64, usize)]) -> Chart {
    let points: Vec<(f64, f64)> = bins.iter().map(|&(p, f, _)| (p, f)).collect();
    let counts: Vec<String> = bins.iter().map(|&(_, _, n)| format!("n = {n}")).collect();
    Chart::new("Calibration (reliability diagram)")
        .x_label("mean predicted probability")
        .y_label("fraction of positives")
        .x_range(-0.02, 1.02)
        .y_range(-0.02, 1.1)
        .reference_line("perfectly calibrated", &[(0.0, 0.0), (1.0, 1.0)])
        .line("model", &points)
        .labels(&points, &counts)
}

/// Precision, recall and F1 against the probability threshold (each point `(threshold,
/// value)`), with the threshold in use marked by a vertical dashed line.
///
/// ```
/// let chart = logreg_plot::threshold_chart(&[(0.25, 0.6), (0.5, 0.8), (0.75, 0.9)],
///     &[(0.25, 0.95), (0.5, 0.8), (0.75, 0.5)], &[(0.25, 0.73), (0.5, 0.8), (0.75, 0.64)], Some(0.5));
/// assert!(chart.to_svg()?.contains("threshold 0.5"));
/// # Ok::<(), logreg_plot::PlotError>(())
/// ```
pub fn threshold_chart(
    precision: &[(f64, f64)],
    recall: &[(f64, f64)],
    f1: &[(f64, f64)],
    chosen: Option<f64>,
) -> Chart {
    let mut chart = Chart::new("Precision, recall and F1 by threshold")
        .x_label("threshold on P(positive)")
        .y_label("score")
        .x_range(0.0, 1.0)
        .y_range(-0.02, 1.02)
        .line("precision", precision)
        .line("recall", recall)
        .line("F1", f1);
    if let Some(t) = chosen {
        chart = chart.reference_line(format!("threshold {t}"), &[(t, 0.0), (t, 1.0)]);
    }
    chart
}

/// Two classes of 2-D points with the decision boundary `w[0]·x + w[1]·y + b = 0` drawn over them.
///
/// ```
/// let neg = [(0.0, 0.5), (0.5, 0.0), (1.0, 1.0)];
/// let pos = [(2.0, 2.5), (3.0, 2.0), (2.5, 3.0)];
/// let svg = logreg_plot::decision_boundary_chart(&neg, &pos, ["rejected", "admitted"], [1.0, 1.0], -3.5)
///     .x_label("exam 1")
///     .y_label("exam 2")
///     .to_svg()?;
/// assert_eq!(svg.matches("<circle").count(), 6 + 2); // the points and two legend swatches
/// # Ok::<(), logreg_plot::PlotError>(())
/// ```
pub fn decision_boundary_chart(
    class0: &[(f64, f64)],
    class1: &[(f64, f64)],
    class_names: [&str; 2],
    w: [f64; 2],
    b: f64,
) -> Chart {
    Chart::new("Decision boundary")
        .x_label("x₁")
        .y_label("x₂")
        .scatter(class_names[0], class0)
        .scatter(class_names[1], class1)
        .boundary("decision boundary", w, b)
}

#[cfg(test)]
mod tests {
    use super::*;

    const UNIT: View = View {
        x: (0.0, 1.0),
        y: (0.0, 1.0),
    };

    #[test]
    fn escape_markup_and_invalid_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
        assert_eq!(escape("bell\u{7}"), "bell\u{fffd}");
        assert_eq!(escape("tab\there"), "tab\there");
    }

    #[test]
    fn line_runs_break_at_gaps_and_edges() {
        let pts = [
            Some((0.1, 0.1)),
            Some((0.2, 0.2)),
            None,
            Some((0.3, 0.3)),
            Some((0.4, 0.4)),
            Some((0.5, 1.5)),
            Some((0.6, 0.5)),
        ];
        let runs = line_runs(pts.into_iter(), &UNIT);
        assert_eq!(runs.len(), 3, "{runs:?}");
        assert_eq!(runs[0], [(0.1, 0.1), (0.2, 0.2)]);
        assert_eq!(runs[1].len(), 3);
        assert_eq!(runs[1][2].1, 1.0);
        assert_eq!(runs[2].last(), Some(&(0.6, 0.5)));
    }

    #[test]
    fn lone_points_become_single_point_runs() {
        let runs = line_runs([None, Some((0.5, 0.5)), None].into_iter(), &UNIT);
        assert_eq!(runs, [vec![(0.5, 0.5)]]);
    }
}
