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

mod charts;
mod error;
mod geometry;
mod render;
mod scale;

pub use charts::{
    calibration_chart, decision_boundary_chart, line_chart, loss_chart, roc_chart, threshold_chart,
};

pub use error::PlotError;
pub use geometry::boundary_segment;

use std::fmt::{self, Write as _};
use std::path::Path;

use render::*;
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
